/**
 * Writes the bytes of the studio's WebAssembly kernels into the TypeScript files they are loaded
 * from, so that a process runs them without assembling them first:
 *
 *   pnpm --filter @mini-studio/audio generate:wasm
 *
 * Run it after changing a kernel; each kernel's test fails until its bytes are written again.
 */
import { writeFileSync } from "node:fs";
import { kWeightingKernelModule } from "../src/analysis/k-weighting-kernel";
import { wasmModuleSource } from "../src/wasm/wasm-module-source";

const KERNELS = [
  { file: "src/analysis/k-weighting-kernel.wasm.ts", name: "K_WEIGHTING_KERNEL_WASM", from: "k-weighting-kernel.ts", bytes: kWeightingKernelModule() },
];

for (const kernel of KERNELS) {
  writeFileSync(new URL(`../${kernel.file}`, import.meta.url), wasmModuleSource(kernel.name, kernel.from, kernel.bytes));
  console.log(`${kernel.file}: ${kernel.bytes.length} bytes`);
}
