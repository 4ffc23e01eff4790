// The public API around one build's generated glue (wasm_oauth.js for browsers,
// wasm_oauth_server.js for server runtimes), shared by index.js and node.js. It adds
// what the glue cannot say: that a call came before `init()` (the glue would throw
// "Cannot read properties of undefined"), and why the .wasm did not load (the glue
// would throw a CompileError about a "magic word", or an Error without a code).
import { AuthError } from "./auth-error.js";

/** `wasm_load_failed`, naming the README's bundler notes (and the HTTP status when there was one). */
function loadFailed(what, status) {
  return new AuthError(
    "wasm_load_failed",
    `init(): ${what}. See "Bundlers" in the wasm-oauth README (esbuild: copy wasm_oauth_bg.wasm beside the bundle; ` +
      'Vite 7 dev server: optimizeDeps: { exclude: ["wasm-oauth"] })',
    undefined,
    status,
  );
}

/**
 * What the glue should compile. A URL is fetched here and its answer checked: a 404, or the
 * HTML page a dev server answers for a file it does not have, is refused with its reason. A
 * Response, bytes or a compiled module go to the glue as they are.
 */
export async function fetchWasm(input) {
  input = await input;
  if (typeof input !== "string" && !(input instanceof URL)) return input;
  let response;
  try {
    response = await fetch(input);
  } catch (error) {
    throw loadFailed(`fetching ${input} failed (${error})`);
  }
  const type = response.headers.get("content-type");
  if (!response.ok || type?.startsWith("text/html")) {
    throw loadFailed(`${input} answered HTTP ${response.status} ${type}, not the .wasm`, response.status);
  }
  return response;
}

/**
 * `init`, `initSync` and the API of `glue`, each call refused with `not_initialized` until
 * `init()` (or `initSync()`) has finished. `source(input)` turns init's argument into what
 * the glue compiles.
 */
export function api(glue, source) {
  let ready = false;
  let loading;
  const need = (call) => {
    if (!ready) {
      throw new AuthError(
        "not_initialized",
        `${call} before init() finished: call \`await init()\` first (it loads the .wasm)`,
      );
    }
  };

  class AuthClient extends glue.AuthClient {
    constructor(options) {
      need("new AuthClient()");
      super(options);
    }
  }

  async function load(input) {
    const module_or_path = await source(input?.module_or_path ?? input);
    try {
      await glue.default({ module_or_path });
    } catch (error) {
      if (error instanceof WebAssembly.CompileError) throw loadFailed(`the .wasm is not WebAssembly (${error.message})`);
      throw error;
    }
    ready = true;
  }

  return {
    AuthClient,
    createPkcePair() {
      need("createPkcePair()");
      return glue.createPkcePair();
    },
    parseCallbackUrl(url) {
      need("parseCallbackUrl()");
      return glue.parseCallbackUrl(url);
    },
    /** Loads the .wasm once; later calls (and concurrent ones) share the first. */
    init(input) {
      if (loading === undefined) {
        // After initSync() there is nothing left to load.
        loading = ready ? Promise.resolve() : load(input);
        loading.catch(() => {
          loading = undefined;
        });
      }
      return loading;
    },
    /** Compiles the .wasm synchronously (bytes or a compiled module). */
    initSync(module) {
      glue.initSync(module);
      ready = true;
    },
  };
}
