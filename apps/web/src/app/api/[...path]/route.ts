export {
  notFoundRoute as GET,
  notFoundRoute as POST,
  notFoundRoute as PUT,
  notFoundRoute as PATCH,
  notFoundRoute as DELETE,
} from "@mini-studio/api/rest";

export const dynamic = "force-dynamic";
