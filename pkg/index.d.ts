// wasm-oauth for browsers and bundlers. Every option and result type comes from
// wasm_oauth.d.ts (generated from the Rust types, with their docs); this file declares
// the entry points around them.
/// <reference lib="esnext.disposable" />
export { AuthClient, createPkcePair, parseCallbackUrl } from "./wasm_oauth.js";
export type * from "./wasm_oauth.js";
export { AuthError } from "./auth-error.js";

/**
 * Where `init()` finds the `.wasm`: a URL (string or `URL`) or `Request` to fetch, a
 * `Response`, its bytes, or a compiled `WebAssembly.Module`. Default: the
 * `wasm_oauth_bg.wasm` beside the package's entry, which bundlers emit for you (see the
 * README, "Bundlers").
 */
export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/**
 * Loads the SDK's WebAssembly: call `await init()` once, before anything else (a call
 * before it throws `AuthError` `not_initialized`). Safe to call again, and from several
 * places at once: every call shares the first load.
 *
 * Rejects with `AuthError` `wasm_load_failed` when the `.wasm` cannot be loaded: its URL
 * answered 404 or an HTML page (a bundler or dev server that did not serve the file; the
 * message names the bundler note that fixes it), or the bytes are not WebAssembly.
 *
 * @param input where the `.wasm` is: `{ module_or_path }` (default: beside the package).
 * @example
 * import init, { AuthClient } from "wasm-oauth";
 * await init();
 * const auth = new AuthClient({ clientId, redirectUri: location.origin + "/" });
 */
export default function init(input?: { module_or_path: InitInput | Promise<InitInput> }): Promise<void>;

/**
 * Compiles the `.wasm` synchronously from its bytes or a compiled module (for workers and
 * tests that already hold them). Prefer `await init()` in pages.
 *
 * @param input `{ module }`: the `.wasm`'s bytes or a compiled `WebAssembly.Module`.
 */
export function initSync(input: { module: BufferSource | WebAssembly.Module }): void;
