import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // In CI every package's tests run at once on two cores, and the longest audio tests (MP3 at
    // every bitrate, the two-thread pipeline) take 20–27 s there.
    testTimeout: 60_000,
    // MP3/FLAC fixtures are made with Debian's ffmpeg in beforeAll hooks.
    hookTimeout: 30_000,
  },
});
