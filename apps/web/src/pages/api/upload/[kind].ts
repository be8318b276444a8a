// POST /api/upload/{audio,midi,image}. A Pages API route rather than an App Router route handler:
// with the body parser off it receives Node's request as it is, so the upload streams to disk
// without first being turned into a web stream (see nodeRoute in @mini-studio/api).
import { nodeRoute, uploadPreflightRoute, uploadRoute } from "@mini-studio/api/rest";

export default nodeRoute({ POST: uploadRoute, OPTIONS: uploadPreflightRoute });

export const config = { api: { bodyParser: false, responseLimit: false } };
