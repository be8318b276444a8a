export { appRouter, createCaller, type AppRouter } from "./root";
export { createContext, requestIdFrom, type Context, type SessionInfo } from "./context";
export { AppError, APP_ERROR_CODES, APP_ERROR_TABLE, toAppError, type AppErrorCode, type AppErrorBody } from "./errors";
export { getHealth, type Health } from "./health";
export { handleTrpcRequest } from "./http/trpc-handler";
export { bootstrap } from "./bootstrap";
