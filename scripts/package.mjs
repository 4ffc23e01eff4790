// Writes pkg/index.js, pkg/index.d.ts and pkg/package.json around the
// wasm-bindgen output, so pkg/ is an installable ES module package.
import { readFileSync, writeFileSync, readdirSync, statSync, copyFileSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const pkg = join(root, "pkg");

const cargo = readFileSync(join(root, "Cargo.toml"), "utf8");
const field = (name) => cargo.match(new RegExp(`^${name}\\s*=\\s*"([^"]*)"`, "m"))?.[1];

// The glue imports the AuthError class from its snippet; re-export that very
// module so `instanceof AuthError` holds for the errors the SDK throws.
function find(dir, name) {
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) {
      const hit = find(p, name);
      if (hit) return hit;
    } else if (entry === name) return p;
  }
  return null;
}
const errorModule = find(join(pkg, "snippets"), "auth-error.js");
if (!errorModule) throw new Error("auth-error.js snippet not found in pkg/snippets");
const errorPath = "./" + relative(pkg, errorModule);

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
writeFileSync(
  join(pkg, "index.d.ts"),
  `export { default, initSync, AuthClient, createPkcePair, parseCallbackUrl } from "./wasm_oauth.js";
export type * from "./wasm_oauth.js";
export { AuthError } from "./auth-error.js";
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
    ".": { types: "./index.d.ts", default: "./index.js" },
    "./wasm_oauth_bg.wasm": "./wasm_oauth_bg.wasm",
    "./package.json": "./package.json",
  },
  files: [
    "index.js",
    "index.d.ts",
    "auth-error.d.ts",
    "wasm_oauth.js",
    "wasm_oauth.d.ts",
    "wasm_oauth_bg.wasm",
    "wasm_oauth_bg.wasm.d.ts",
    "snippets/",
    "README.md",
  ],
  sideEffects: false,
  keywords: ["oauth", "oauth2", "openid-connect", "oidc", "pkce", "webassembly"],
};
writeFileSync(join(pkg, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`pkg/ written: ${manifest.name}@${manifest.version}`);
