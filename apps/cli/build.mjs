// Builds the CLI as CommonJS: dist/studio.cjs starts dist/parts/main.cjs (the command line itself),
// which requires the other parts in dist/parts when a command first needs them: the heavy half of
// each command, the codecs, the full configuration. The effects chain's worker is a part too
// (parts/chain-worker.cjs, which the audio package looks for beside the module that starts it).
//
// CommonJS, not ES modules: Node's ES module loader costs a command 20–25 ms before it has done
// anything (the loader's own start, then reading each module on libuv's threads, a round trip per
// file), while require() reads and compiles a part synchronously. Measured on `studio analyze
// --loudness`: 9% of a 180 s song, 13% of a 1 s file.
import { chmodSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";

// `--outdir` for the bundle's own test, which builds it elsewhere; `dist` is what `bin` ships.
const { outdir } = parseArgs({ options: { outdir: { type: "string", default: "dist" } } }).values;

/**
 * Each part is a bundle of its own, required on first use. A part bundles what it imports except the
 * other parts, so a module can be in more than one part (the WAV reader is in `measure` and in
 * `render`); a process runs one command and loads one of those. Nothing may therefore rely on a
 * single copy of a class across parts, except the classes of the parts themselves: every part
 * requires `config` rather than bundling it, so `ConfigError` is one class (checked after the build).
 */
const PARTS = {
  main: "./src/main.ts",
  config: "../../packages/config/src/index.ts",
  measure: "./src/measure.ts",
  render: "./src/render.ts",
  sing: "./src/sing.ts",
  encode: "../../packages/audio/src/encode/encode-audio.ts",
  "mp3-decoder": "../../packages/audio/src/mp3/mp3-decoder.ts",
  "flac-decoder": "../../packages/audio/src/flac/flac-decoder.ts",
  "voice-files": "../../packages/synth/src/builtin/voice-files.ts",
  "cli-progress": "cli-progress",
  "chain-worker": "../../packages/audio/src/off-thread/chain-worker.ts",
};
/** Modules that must be in one part only: the configuration's (its `workspace` module is plain data and functions). */
const SINGLE_COPY = { part: "config", dir: resolve("../../packages/config/src"), except: [resolve("../../packages/config/src/workspace.ts")] };

/** An import of another part's entry becomes a require() of that part, beside the importing part. */
const separateParts = {
  name: "separate-parts",
  setup(esbuild) {
    const partOf = new Map();
    esbuild.onStart(async () => {
      for (const [name, entry] of Object.entries(PARTS)) {
        const found = await esbuild.resolve(entry, { kind: "import-statement", resolveDir: process.cwd() });
        if (found.errors.length > 0) throw new Error(`part ${name}: ${found.errors[0].text}`);
        partOf.set(found.path, name);
      }
    });
    esbuild.onResolve({ filter: /.*/ }, async (args) => {
      if (args.kind === "entry-point" || args.pluginData === separateParts) return undefined;
      const found = await esbuild.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: separateParts });
      const part = partOf.get(found.path);
      return part ? { path: `./${part}.cjs`, external: true } : undefined;
    });
  },
};

/**
 * zod's namespace re-exports every one of its 40-odd message locales (`z.locales`): about 260 KB
 * of a 450 KB part that `studio fx` loads before it can parse an effect chain. The studio speaks
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
const partsDir = join(outdir, "parts");
const { metafile } = await build({
  entryPoints: PARTS,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  // import() of a part becomes a require() of it: an import() would start the ES module loader.
  supported: { "dynamic-import": false },
  outdir: partsDir,
  outExtension: { ".js": ".cjs" },
  minify: true,
  sourcemap: true,
  metafile: true,
  external: ["onnxruntime-node"],
  logLevel: "warning",
  // The modules written as ES modules ask import.meta where they are: here, the part's own file.
  define: { "import.meta.url": "import_meta_url", "import.meta.filename": "__filename" },
  inject: ["build/import-meta-url.js"],
  plugins: [separateParts, zodEnglishOnly, lazyChildProcess],
});

for (const [file, output] of Object.entries(metafile.outputs)) {
  if (!file.endsWith(".cjs") || file.endsWith(`${SINGLE_COPY.part}.cjs`)) continue;
  for (const input of Object.keys(output.inputs)) {
    const path = resolve(input);
    if (path.startsWith(SINGLE_COPY.dir) && !SINGLE_COPY.except.includes(path)) {
      throw new Error(`${relative(".", path)} is bundled into ${file}: it must stay in the ${SINGLE_COPY.part} part, which that part should require`);
    }
  }
}

const bin = join(outdir, "studio.cjs");
writeFileSync(bin, '#!/usr/bin/env node\n"use strict";\nrequire("./parts/main.cjs");\n');
chmodSync(bin, 0o755);
