export { UploadError, isUploadError, type UploadErrorCode } from "./errors";
export { UPLOAD_KINDS, mimeTypeOf, type FileFormat, type UploadKind } from "./kinds";
export { checkUploadName } from "./names";
export { HEAD_BYTES, assertFormatMatches, sniffFormat } from "./sniff";
export { assertKey, newKey, thumbnailKey } from "./keys";
export { createLocalDriver, sweepStaging, type StorageDriver } from "./driver";
export { receiveUpload, type Inspector, type ReceiveOptions, type StagedUpload, type StagingWatcher, type UploadRequest } from "./intake";
export { inspectMidi, type MidiInfo } from "./inspect-midi";
export { inspectImage, type ImageInfo } from "./inspect-image";
