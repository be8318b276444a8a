export { signupRoute as POST } from "@mini-studio/api/rest";

export const dynamic = "force-dynamic";
