// Issue 7, types: `tsc --noEmit --strict` over tests/types/usage.ts against pkg/, then the
// packed tarball type-checked as a consumer resolves it (package.json "exports" and "types"),
// with a bundler's resolution and with Node's (which must pick node.d.ts), and the React example
// in www/examples/react type-checked as JavaScript (checkJs) against @types/react.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT, installTarball, packTarball, tempDir } from "../node/tarball.mjs";

const run = promisify(execFile);
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");

/** Runs tsc; resolves with its output, and fails the test with every diagnostic when it fails. */
async function tsc(args, cwd = ROOT) {
  try {
    const { stdout } = await run(process.execPath, [TSC, ...args, "--pretty", "false"], { cwd, timeout: 120_000 });
    return stdout;
  } catch (error) {
    assert.fail(`tsc ${args.join(" ")} reported:\n${error.stdout}${error.stderr}`);
  }
}

test("usage.ts type-checks strictly against pkg/ (precise types, wrong calls rejected)", async () => {
  await tsc(["-p", join(ROOT, "tests", "types", "tsconfig.json")]);
});

test("www/examples/react type-checks (checkJs, strict) against @types/react and pkg/", async () => {
  await tsc(["-p", join(ROOT, "tests", "types", "tsconfig.react.json")]);
});

let work;
before(() => {
  work = tempDir("wasm-oauth-types-");
  const { tarball } = packTarball(work);
  installTarball(work, tarball);
});
after(() => work && rmSync(work, { recursive: true, force: true }));

function consumerProject(name, compilerOptions, source) {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, private: true, type: "module" }));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true, noEmit: true, target: "ES2022", lib: ["ES2022", "DOM"], types: [], skipLibCheck: false,
        ...compilerOptions,
      },
      files: ["main.ts"],
    }),
  );
  writeFileSync(join(dir, "main.ts"), source);
  return dir;
}

test("the installed tarball type-checks through its exports, bundler resolution", async () => {
  // Resolved from <work>/node_modules/wasm-oauth, the way an app's bundler-mode tsconfig does.
  const dir = consumerProject(
    "bundler-app",
    { module: "ESNext", moduleResolution: "bundler" },
    `import init, { AuthClient, AuthError, type TokenSet, type AuthErrorCode } from "wasm-oauth";
await init();
const auth = new AuthClient({ clientId: "c", redirectUri: location.origin + "/" });
const tokens: TokenSet | undefined = auth.getTokens();
const code: AuthErrorCode = new AuthError("state_mismatch", "m").code;
// @ts-expect-error bad storage
new AuthClient({ clientId: "c", redirectUri: "/", storage: "cookie" });
void [tokens, code];
`,
  );
  await tsc(["-p", join(dir, "tsconfig.json")], dir);
});

test("the installed tarball type-checks in Node (nodenext) through node.d.ts", async () => {
  // initSync() without an argument exists only in node.d.ts: this proves the "node" condition's
  // types are the ones a Node project gets.
  const dir = consumerProject(
    "node-app",
    { module: "NodeNext", moduleResolution: "NodeNext" },
    `import init, { initSync, AuthClient, type TokenSet } from "wasm-oauth";
import * as explicit from "wasm-oauth/node";
await init();
initSync();
explicit.initSync();
const server = new AuthClient({ clientId: "svc", clientSecret: "s", redirectUri: "https://svc.example/cb", storage: "memory" });
const tokens: TokenSet = await server.clientCredentials({ scope: "api:read" });
void tokens;
`,
  );
  await tsc(["-p", join(dir, "tsconfig.json")], dir);
});
