import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { wasmModuleSource } from "../wasm/wasm-module-source";
import { kWeightingKernelModule } from "./k-weighting-kernel";

describe("the K-weighting kernel's bytes", () => {
  it("are what k-weighting-kernel.ts assembles (after a change there, run `pnpm --filter @mini-studio/audio generate:wasm`)", () => {
    const committed = readFileSync(new URL("./k-weighting-kernel.wasm.ts", import.meta.url), "utf8");
    expect(committed).toBe(wasmModuleSource("K_WEIGHTING_KERNEL_WASM", "k-weighting-kernel.ts", kWeightingKernelModule()));
  });
});
