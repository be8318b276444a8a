export { fail, ok, readJson, restRoute, type RestHandler, type RestHandlerArgs } from "./http/rest";
