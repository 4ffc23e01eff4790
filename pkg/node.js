// wasm-oauth for server runtimes (the "node" export condition: Node, Deno, Bun, SSR builds):
// the server build, which adds client credentials and service tokens, and `init()` /
// `initSync()` without an argument read its .wasm from disk (fetch cannot load a file: URL).
// Nothing here touches a browser global.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import * as glue from "./wasm_oauth_server.js";
import { api, fetchWasm } from "./api.js";

export { AuthError } from "./auth-error.js";

const wasmUrl = new URL("./wasm_oauth_server_bg.wasm", import.meta.url);

const sdk = api(glue, (input) => (input === undefined ? readFile(wasmUrl) : fetchWasm(input)));

export const { AuthClient, createPkcePair, parseCallbackUrl } = sdk;
export default sdk.init;

/** Synchronous init; reads the .wasm from disk when no module is given. */
export function initSync(module) {
  sdk.initSync(module === undefined ? { module: readFileSync(wasmUrl) } : module);
}
