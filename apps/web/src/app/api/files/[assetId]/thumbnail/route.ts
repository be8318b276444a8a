export { thumbnailRoute as GET } from "@mini-studio/api/rest";

export const dynamic = "force-dynamic";
