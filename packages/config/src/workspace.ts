import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

import rootPackage from "../../../package.json" with { type: "json" };

/**
 * The directory holding pnpm-workspace.yaml, walking up from `from`.
 * Relative paths in the environment are resolved against it so that
 * `pnpm --filter x dev` (cwd = the package) and `pnpm dev` (cwd = the root)
 * agree on where `./storage` is.
 */
export function findWorkspaceRoot(from: string = process.cwd()): string {
  const start = resolve(/*turbopackIgnore: true*/ from);
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
}

// A JSON import rather than a file read: bundlers (Next) inline it, and it does
// not depend on the process's cwd or on where the bundle ends up on disk.
export const APP_VERSION: string = rootPackage.version;
