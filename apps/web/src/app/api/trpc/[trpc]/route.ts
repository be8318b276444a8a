import { handleTrpcRequest } from "@mini-studio/api";

export const dynamic = "force-dynamic";

export { handleTrpcRequest as GET, handleTrpcRequest as POST };
