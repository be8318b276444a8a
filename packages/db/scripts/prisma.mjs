// Runs the Prisma CLI offline: `node scripts/prisma.mjs <command> [args]`
// (e.g. `pnpm --filter @mini-studio/db prisma format`).
//
// Prisma 7's CLI resolves (and, when missing, downloads) its native schema
// engine before every command, even those that never use it (generate,
// format, validate). The download cannot work here, so the child process gets
// PRISMA_SCHEMA_ENGINE_BINARY pointing at a stub that refuses real work.
// Migrations are applied by src/migrate.ts and diffed by scripts/diff.ts.
// Scripts may read process.env; src/ never does (config owns env).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../../..");

/** Runs `prisma <args> --config <root>/prisma.config.ts` from the repo root; returns the exit code. */
export function runPrisma(args) {
  const require = createRequire(import.meta.url);
  const cli = join(dirname(require.resolve("prisma/package.json")), "build/index.js");
  const result = spawnSync(process.execPath, [cli, ...args, "--config", join(root, "prisma.config.ts")], {
    cwd: root,
    stdio: "inherit",
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: join(here, "schema-engine-stub.sh"),
      CHECKPOINT_DISABLE: "1",
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      PRISMA_GENERATE_NO_HINTS: "1",
    },
  });
  if (result.error) {
    console.error(`prisma: ${result.error.message}`);
    return 1;
  }
  return result.status ?? 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(runPrisma(process.argv.slice(2)));
}
