/**
 * Running a WebAssembly module from its bytes: all that the studio's kernels need at run time,
 * apart from the assembler that wrote them (wasm-assembler.ts).
 */

/** A module's memory, as the WebAssembly JavaScript API gives it. */
export type WasmMemory = { readonly buffer: ArrayBuffer; grow(pages: number): number };

/**
 * The part of the WebAssembly JavaScript API used here, typed locally: Node has it all, but
 * @types/node 20 does not declare it, and TypeScript's own declarations come with its browser
 * libraries, which would clash with a global declaration wherever both are loaded (the web app).
 */
type WebAssemblyApi = {
  Module: new (bytes: Uint8Array<ArrayBuffer>) => object;
  Instance: new (module: object) => { readonly exports: Record<string, unknown> };
};

/** Compiles and instantiates a module synchronously (small kernels compile in about a millisecond); throws where the engine refuses it. */
export function instantiate(bytes: Uint8Array<ArrayBuffer>): Record<string, unknown> {
  const { Module, Instance } = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
  return new Instance(new Module(bytes)).exports;
}
