/**
 * The TypeScript source of a module that exports `bytes` as `name`: what scripts/generate-wasm.ts
 * writes for each kernel, and what its test compares the committed file with.
 */
export function wasmModuleSource(name: string, from: string, bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    lines.push(`  ${[...bytes.subarray(i, i + 16)].map((b) => `0x${b.toString(16).padStart(2, "0")}`).join(", ")},`);
  }
  return [
    `// Generated from ${from} by \`pnpm --filter @mini-studio/audio generate:wasm\`: do not edit.`,
    `export const ${name}: Uint8Array<ArrayBuffer> = new Uint8Array([`,
    ...lines,
    "]);",
    "",
  ].join("\n");
}
