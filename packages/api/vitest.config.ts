import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests never write into the repository's storage/.
    env: { STORAGE_DIR: mkdtempSync(join(tmpdir(), "mini-studio-api-")) },
  },
});
