import { AppError } from "../../errors";
import { restRoute } from "../rest";

/** Unknown API paths answer in the API's own shape, not with the HTML 404 page. */
export const notFoundRoute = restRoute(async ({ request }) => {
  throw new AppError("NOT_FOUND", `No API route ${request.method} ${new URL(request.url).pathname}.`);
});
