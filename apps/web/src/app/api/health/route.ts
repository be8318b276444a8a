import { getHealth } from "@mini-studio/api";
import { ok, restRoute } from "@mini-studio/api/rest";

export const dynamic = "force-dynamic";

export const GET = restRoute(async ({ ctx }) => ok(await getHealth(ctx)));
