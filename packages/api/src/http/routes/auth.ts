import { login, logout, me, signup, ZLoginSchema, ZSignupSchema } from "../../auth/accounts";
import { ok, readJson, requireSession, restRoute, type RestHandler } from "../rest";

/** The handlers behind the REST auth routes (exported bare so tests can bind their own database). */
export const authHandlers = {
  /** POST /api/auth/signup → `{success, user, credits}` (201) and a session cookie. */
  signup: async ({ request, ctx }) => ok(await signup(ctx, await readJson(request, ZSignupSchema)), { status: 201 }),
  /** POST /api/auth/login → `{success, user}` and a session cookie. */
  login: async ({ request, ctx }) => ok(await login(ctx, await readJson(request, ZLoginSchema))),
  /** POST /api/auth/logout → `{success}`; the session is revoked server-side. */
  logout: async ({ ctx }) => {
    await logout(ctx);
    return ok();
  },
  /** GET /api/auth/me → `{success, user, credits}`. */
  me: async ({ ctx }) => ok(await me(ctx, requireSession(ctx).userId)),
} satisfies Record<string, RestHandler>;

export const signupRoute = restRoute(authHandlers.signup);
export const loginRoute = restRoute(authHandlers.login);
export const logoutRoute = restRoute(authHandlers.logout);
export const meRoute = restRoute(authHandlers.me);
