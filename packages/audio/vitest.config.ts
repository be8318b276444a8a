import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // MP3/FLAC fixtures are made with Debian's ffmpeg in beforeAll hooks.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
