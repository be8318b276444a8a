// Builds the CLI: dist/studio.mjs, the chunks that each command loads when it runs, and the
// effects chain's worker beside them (chunks/chain-worker.mjs, which the audio package looks for).
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";

// `--outdir` for the bundle's own test, which builds it elsewhere; `dist` is what `bin` ships.
const { outdir } = parseArgs({ options: { outdir: { type: "string", default: "dist" } } }).values;

/**
 * zod's namespace re-exports every one of its 40-odd message locales (`z.locales`): about 260 KB
 * of a 450 KB chunk that `studio fx` loads before it can parse an effect chain. The studio speaks
 * English only, which zod registers by itself, so the bundle keeps `z.locales.en` and no other.
 */
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(esbuild) {
    esbuild.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, ({ importer }) =>
      /[\\/]zod[\\/]v4[\\/]/.test(importer) ? { path: join(dirname(importer), "../locales/index.js"), namespace: "zod-english-only" } : undefined,
    );
    esbuild.onLoad({ filter: /.*/, namespace: "zod-english-only" }, ({ path }) => ({
      contents: 'export { default as en } from "./en.js";',
      resolveDir: dirname(path),
    }));
  },
};

/**
 * commander requires node:child_process when it loads, for subcommands that are programs of their
 * own; `studio` has none. That module and the network and stream modules it pulls in cost every
 * command about 5 ms at start, so within commander it is required on first use instead.
 */
const lazyChildProcess = {
  name: "lazy-child-process",
  setup(esbuild) {
    esbuild.onResolve({ filter: /^node:child_process$/ }, ({ importer }) =>
      /[\\/]commander[\\/]/.test(importer) ? { path: "node:child_process", namespace: "lazy-child-process" } : undefined,
    );
    esbuild.onLoad({ filter: /.*/, namespace: "lazy-child-process" }, () => ({
      contents: 'let loaded; module.exports = new Proxy({}, { get: (_, key) => (loaded ??= require("node:child_process"))[key] });',
      loader: "js",
    }));
  },
};

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { studio: "src/main.ts", "chunks/chain-worker": "../../packages/audio/src/off-thread/chain-worker.ts" },
  bundle: true,
  splitting: true,
  platform: "node",
  format: "esm",
  target: "node20",
  outdir,
  entryNames: "[dir]/[name]",
  chunkNames: "chunks/[name]-[hash]",
  outExtension: { ".js": ".mjs" },
  minify: true,
  sourcemap: true,
  external: ["onnxruntime-node"],
  logLevel: "warning",
  // Bundled CommonJS dependencies call require(); an ES module has none of its own.
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  plugins: [zodEnglishOnly, lazyChildProcess],
});
