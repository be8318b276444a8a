import { getHealth } from "../../health";
import { ok, restRoute } from "../rest";

/** GET /api/health → `{success, db, queue, version}`. Polled by load balancers: no rate limit. */
export const healthRoute = restRoute(async ({ ctx }) => ok(await getHealth(ctx)), { rateLimit: false });
