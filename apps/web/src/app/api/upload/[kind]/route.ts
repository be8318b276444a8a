export { uploadPreflightRoute as OPTIONS, uploadRoute as POST } from "@mini-studio/api/rest";

export const dynamic = "force-dynamic";
