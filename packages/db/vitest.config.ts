import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "scripts/**/*.test.ts"],
    // Each test file opens fresh databases (a PGlite boot, or CREATE DATABASE
    // plus migrations); the concurrency tests spawn processes.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
