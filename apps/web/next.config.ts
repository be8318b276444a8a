import type { NextConfig } from "next";

const config: NextConfig = {
  reactStrictMode: true,
  // Internal packages ship TypeScript source; Next compiles them.
  transpilePackages: ["@mini-studio/api", "@mini-studio/audio", "@mini-studio/config", "@mini-studio/db", "@mini-studio/storage"],
  // Native, wasm and worker-spawning packages load from node_modules at run time, not from the bundle.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "@node-rs/argon2",
    "ioredis",
    "pglite-prisma-adapter",
    "@prisma/client",
    "@prisma/adapter-pg",
    "pg",
    "pino",
    "pino-pretty",
    "rotating-file-stream",
    "sharp",
    "busboy",
    "mpg123-decoder",
    "@wasm-audio-decoders/flac",
  ],
  poweredByHeader: false,
  typescript: { tsconfigPath: "tsconfig.json" },
};

export default config;
