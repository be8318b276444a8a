import { authRouter } from "./router/auth";
import { creditsRouter } from "./router/credits";
import { healthRouter } from "./router/health";
import { libraryRouter } from "./router/library";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  auth: authRouter,
  credits: creditsRouter,
  health: healthRouter,
  library: libraryRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
