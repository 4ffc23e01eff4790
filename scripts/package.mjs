// Writes pkg/index.js, pkg/index.d.ts and pkg/package.json around the
// wasm-bindgen output, so pkg/ is an installable ES module package.
import { readFileSync, writeFileSync, existsSync, copyFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const pkg = join(root, "pkg");

const cargo = readFileSync(join(root, "Cargo.toml"), "utf8");
const field = (name) => cargo.match(new RegExp(`^${name}\\s*=\\s*"([^"]*)"`, "m"))?.[1];

// Each glue imports the AuthError class from its snippet; re-export that very
// module so `instanceof AuthError` holds for the errors the SDK throws.
function errorModuleOf(glue) {
  const text = readFileSync(join(pkg, glue), "utf8");
  const path = text.match(/import \{ AuthError \} from '(\.\/snippets\/[^']+\/auth-error\.js)'/)?.[1];
  if (!path || !existsSync(join(pkg, path))) throw new Error(`${glue}: auth-error.js snippet not found`);
  return path;
}
const errorPath = errorModuleOf("wasm_oauth.js");
const serverErrorPath = errorModuleOf("wasm_oauth_server.js");

writeFileSync(
  join(pkg, "index.js"),
  `export { default, initSync, AuthClient, createPkcePair, parseCallbackUrl } from "./wasm_oauth.js";
export { AuthError } from "${errorPath}";
`,
);
writeFileSync(
  join(pkg, "auth-error.d.ts"),
  `import type { AuthErrorCode } from "./wasm_oauth.js";
/** The error every wasm-oauth failure rejects with. Never carries a token. */
export declare class AuthError extends Error {
  readonly name: "AuthError";
  /** Stable snake_case code. */
  readonly code: AuthErrorCode;
  /** The server's error_description, or which option was wrong. */
  readonly description?: string;
  /** HTTP status of the failed response. */
  readonly status?: number;
  constructor(code: string, message: string, description?: string, status?: number);
}
`,
);
// wasm-bindgen declares `[Symbol.dispose]()` on every class; pull in the lib that declares
// `Symbol.dispose`, or a strict app whose `lib` stops at ES2022 fails on our .d.ts (TS2550).
const DISPOSABLE_LIB = '/// <reference lib="esnext.disposable" />\n';
writeFileSync(
  join(pkg, "index.d.ts"),
  `${DISPOSABLE_LIB}export { default, initSync, AuthClient, createPkcePair, parseCallbackUrl } from "./wasm_oauth.js";
export type * from "./wasm_oauth.js";
export { AuthError } from "./auth-error.js";
`,
);
// Server runtimes (the "node" export condition: Node, Deno, Bun, SSR builds): the same API on the
// server build (the `server` cargo feature: client credentials and service tokens, which the
// browser build leaves out), and `init()` / `initSync()` without an argument read its .wasm from
// disk, since `fetch` cannot load the glue's default `file:` URL there. Nothing here touches a
// browser global.
writeFileSync(
  join(pkg, "node.js"),
  `// wasm-oauth for server runtimes: the server build (client credentials and service
// tokens included), and init() reads wasm_oauth_server_bg.wasm from disk.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import webInit, { initSync as webInitSync } from "./wasm_oauth_server.js";
export { AuthClient, createPkcePair, parseCallbackUrl } from "./wasm_oauth_server.js";
export { AuthError } from "${serverErrorPath}";

const wasmUrl = new URL("./wasm_oauth_server_bg.wasm", import.meta.url);
let loading;

/** Loads the .wasm (from disk unless told otherwise); safe to call twice. */
export default function init(input) {
  if (input !== undefined) return webInit(input);
  if (loading === undefined) {
    loading = readFile(wasmUrl).then((bytes) => webInit({ module_or_path: bytes }));
    loading.catch(() => { loading = undefined; });
  }
  return loading;
}

/** Synchronous init; reads the .wasm from disk when no module is given. */
export function initSync(module) {
  return webInitSync(module === undefined ? { module: readFileSync(wasmUrl) } : module);
}
`,
);
writeFileSync(
  join(pkg, "node.d.ts"),
  `${DISPOSABLE_LIB}import type { InitInput, InitOutput, SyncInitInput } from "./wasm_oauth.js";
export { AuthClient, createPkcePair, parseCallbackUrl } from "./wasm_oauth.js";
export type * from "./wasm_oauth.js";
export { AuthError } from "./auth-error.js";
/** Loads the .wasm: from disk (beside this file) when called without an argument. Safe to call twice. */
export default function init(
  moduleOrPath?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>,
): Promise<InitOutput>;
/** Synchronous init: reads the .wasm from disk when called without an argument. */
export function initSync(module?: { module: SyncInitInput } | SyncInitInput): InitOutput;
`,
);
copyFileSync(join(root, "README.md"), join(pkg, "README.md"));

const manifest = {
  name: field("name"),
  version: field("version"),
  description: field("description"),
  license: field("license"),
  type: "module",
  main: "./index.js",
  module: "./index.js",
  types: "./index.d.ts",
  exports: {
    ".": {
      // Server runtimes and SSR builds: init() reads the .wasm from disk. Browsers and
      // bundlers building for them take the default entry (fetches the .wasm by URL).
      node: { types: "./node.d.ts", default: "./node.js" },
      types: "./index.d.ts",
      default: "./index.js",
    },
    "./node": { types: "./node.d.ts", default: "./node.js" },
    "./wasm_oauth_bg.wasm": "./wasm_oauth_bg.wasm",
    "./wasm_oauth_server_bg.wasm": "./wasm_oauth_server_bg.wasm",
    "./package.json": "./package.json",
  },
  files: [
    "index.js",
    "index.d.ts",
    "node.js",
    "node.d.ts",
    "auth-error.d.ts",
    "wasm_oauth.js",
    "wasm_oauth.d.ts",
    "wasm_oauth_bg.wasm",
    "wasm_oauth_bg.wasm.d.ts",
    "wasm_oauth_server.js",
    "wasm_oauth_server_bg.wasm",
    "snippets/",
    "README.md",
  ],
  sideEffects: false,
  keywords: ["oauth", "oauth2", "openid-connect", "oidc", "pkce", "webassembly"],
};
writeFileSync(join(pkg, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`pkg/ written: ${manifest.name}@${manifest.version}`);
