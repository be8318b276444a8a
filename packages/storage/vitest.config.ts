import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // The intake memory test collects garbage as it goes, so RSS shows what the upload
    // keeps alive rather than how lazily V8 frees already-written chunks.
    execArgv: ["--expose-gc"],
    testTimeout: 30_000,
  },
});
