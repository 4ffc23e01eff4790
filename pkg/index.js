// wasm-oauth for browsers and bundlers: the browser build (the "node" export condition
// takes node.js instead). `await init()` loads wasm_oauth_bg.wasm from beside this file.
import * as glue from "./wasm_oauth.js";
import { api, fetchWasm } from "./api.js";

export { AuthError } from "./auth-error.js";

const sdk = api(glue, (input) => fetchWasm(input ?? new URL("wasm_oauth_bg.wasm", import.meta.url)));

export const { AuthClient, createPkcePair, parseCallbackUrl, initSync } = sdk;
export default sdk.init;
