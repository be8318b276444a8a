import { AppError } from "@mini-studio/api";
import { restRoute } from "@mini-studio/api/rest";

export const dynamic = "force-dynamic";

// Unknown API paths answer in the API's own shape, not with the HTML 404 page.
const notFound = restRoute(async ({ request }) => {
  throw new AppError("NOT_FOUND", `No API route ${request.method} ${new URL(request.url).pathname}.`);
});

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
