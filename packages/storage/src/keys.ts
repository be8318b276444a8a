import { randomBytes } from "node:crypto";
import { UPLOAD_KINDS, type UploadKind } from "./kinds";

const KEY_CHARS = /^[a-z0-9][a-z0-9._/-]*$/;
const SEGMENT = /^[a-z0-9][a-z0-9._-]*$/;
const MAX_KEY_LENGTH = 200;
const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/**
 * Keys are made by the server, never from user text, so a bad one is a programming error:
 * it throws a plain Error rather than an UploadError. Each segment starts with a letter or
 * digit, which also rules out "", ".", ".." and hidden names.
 */
export function assertKey(key: string): void {
  const ok =
    key.length > 0 &&
    key.length <= MAX_KEY_LENGTH &&
    KEY_CHARS.test(key) &&
    key.split("/").every((segment) => SEGMENT.test(segment));
  if (!ok) throw new Error(`Invalid storage key ${JSON.stringify(key.slice(0, MAX_KEY_LENGTH + 1))}`);
}

/** 20 base32 characters: 100 random bits, lower case so ids are valid key segments. */
function newId(): string {
  const bytes = randomBytes(20);
  let id = "";
  for (const byte of bytes) id += BASE32[byte & 31];
  return id;
}

/** A fresh id and the key its file is stored under, e.g. "uploads/audio/<id>.wav". */
export function newKey(kind: UploadKind, ext: string): { id: string; key: string } {
  const clean = ext.replace(/^\./, "").toLowerCase();
  if (!UPLOAD_KINDS[kind].extensions.includes(clean)) {
    throw new Error(`Extension ${JSON.stringify(ext)} is not one of the ${kind} extensions`);
  }
  const id = newId();
  const key = `${UPLOAD_KINDS[kind].dir}/${id}.${clean}`;
  assertKey(key);
  return { id, key };
}

export function thumbnailKey(id: string): string {
  if (!ID.test(id)) throw new Error(`Invalid asset id ${JSON.stringify(id)}`);
  return `${UPLOAD_KINDS.image.dir}/${id}.thumb.webp`;
}
