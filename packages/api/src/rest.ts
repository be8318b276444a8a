export { fail, ok, readJson, requireSession, restRoute, type RestHandler, type RestHandlerArgs } from "./http/rest";
export { loginRoute, logoutRoute, meRoute, signupRoute } from "./http/routes/auth";
export { healthRoute } from "./http/routes/health";
export { notFoundRoute } from "./http/routes/not-found";
export { fileRoute, thumbnailRoute, uploadPreflightRoute, uploadRoute } from "./http/routes/assets";
export { nodeRoute } from "./http/node-route";
