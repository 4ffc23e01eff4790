// wasm-oauth for server runtimes (the "node" export condition, or "wasm-oauth/node"):
// the same API as the browser entry, and `init()` / `initSync()` read the server build's
// `.wasm` from disk. Needs no DOM library: it compiles with `lib: ["ES2022"]` and
// `@types/node`.
/// <reference lib="esnext.disposable" />
export { AuthClient, createPkcePair, parseCallbackUrl } from "./wasm_oauth.js";
export type * from "./wasm_oauth.js";
export { AuthError } from "./auth-error.js";

/** The `.wasm`'s bytes, for `init()` / `initSync()` when it is not beside the package. */
export type WasmBytes = ArrayBuffer | ArrayBufferView;

/**
 * Loads the server build's WebAssembly, from disk (beside this file) when called without
 * an argument. Call `await init()` once before anything else (a call before it throws
 * `AuthError` `not_initialized`); later calls share the first load.
 *
 * @param input `{ module_or_path }`: the `.wasm`'s bytes, when it is somewhere else.
 * @example
 * import init, { AuthClient } from "wasm-oauth";   // the "node" condition picks this entry
 * await init();
 */
export default function init(input?: { module_or_path: WasmBytes | Promise<WasmBytes> }): Promise<void>;

/**
 * Compiles the server build's `.wasm` synchronously: from disk when called without an
 * argument, else from the bytes given.
 *
 * @param input `{ module }`: the `.wasm`'s bytes.
 */
export function initSync(input?: { module: WasmBytes }): void;
