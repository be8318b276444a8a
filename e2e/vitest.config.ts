import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Each file starts its own production server; two at once is plenty for two cores.
    maxWorkers: 2,
  },
});
