import { defineConfig } from "vitest/config";

export default defineConfig({
  // The tests run the CLI as a user does (`pnpm studio`, through tsx), several times each. Alone
  // that takes 1–2 s a run; in CI, with every package's tests at once on two cores, 5–7 s. The
  // hooks build the bundle and make the test files: 2 s alone, more than the default 10 s in CI.
  test: { testTimeout: 90_000, hookTimeout: 90_000 },
});
