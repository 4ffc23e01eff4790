// Types: `tsc --strict` over tests/types/usage.ts (the whole API) and usage-react.tsx
// (wasm-oauth/react) against pkg/; the README's Quick start and the React example
// (www/examples/react, `tsc -b` as its build runs it) under strict; the packed tarball as a
// consumer resolves it, with a bundler's resolution and with Node's (node.d.ts, which must need
// no DOM library); and JSDoc on every export and every field of the shipped declarations.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { PKG, ROOT, appDir, installTarball, packTarball, tempDir } from "../node/tarball.mjs";
import { readmeFiles } from "../package/readme.mjs";

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

test("usage-react.tsx: wasm-oauth/react type-checks strictly against @types/react and pkg/", async () => {
  await tsc(["-p", join(ROOT, "tests", "types", "tsconfig.react.json")]);
});

let work;
let tarball;
let apps;
before(() => {
  work = tempDir("wasm-oauth-types-");
  ({ tarball } = packTarball(work));
  installTarball(work, tarball);
  apps = appDir("types-");
});
after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
  if (apps) rmSync(apps, { recursive: true, force: true });
});

function consumerProject(name, compilerOptions, source, { lib = ["ES2022", "DOM"] } = {}) {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, private: true, type: "module" }));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: "ES2022", lib, types: [], skipLibCheck: false, ...compilerOptions },
      files: ["main.ts"],
    }),
  );
  writeFileSync(join(dir, "main.ts"), source);
  return dir;
}

test("the README's Quick start compiles under strict, as written", async () => {
  const quickStart = readmeFiles().get("main.ts");
  assert.ok(quickStart, "the README has its Quick start (```ts main.ts)");
  const dir = consumerProject("readme-quick-start", { module: "ESNext", moduleResolution: "bundler" }, quickStart);
  await tsc(["-p", join(dir, "tsconfig.json")], dir);
});

test("www/examples/react builds its types under strict (tsc -b, as `npm run build` does)", async () => {
  const dir = join(apps, "react-example");
  cpSync(join(ROOT, "www", "examples", "react"), dir, { recursive: true, filter: (f) => !/node_modules|dist/.test(f) });
  // The example's own package.json names wasm-oauth as file:../../../pkg; here it is the tarball.
  installTarball(dir, tarball, { manifest: { name: "react-example", private: true, type: "module" } });
  await tsc(["-b"], dir);
});

test("the installed tarball type-checks through its exports, bundler resolution", async () => {
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

test("in Node (nodenext) the tarball's node.d.ts compiles without the DOM library", async () => {
  // lib ES2022 and @types/node only: no RequestInfo, BufferSource or WebAssembly namespace.
  // initSync() without an argument exists only in node.d.ts: this proves it is the one resolved.
  const dir = consumerProject(
    "node-app",
    { module: "NodeNext", moduleResolution: "NodeNext", types: ["node"], typeRoots: [join(ROOT, "node_modules", "@types")] },
    `import init, { initSync, AuthClient, AuthError, type TokenSet, type PollOptions } from "wasm-oauth";
import * as explicit from "wasm-oauth/node";
import { readFileSync } from "node:fs";
await init();
await init({ module_or_path: readFileSync("wasm_oauth_server_bg.wasm") });
initSync();
explicit.initSync({ module: new Uint8Array(0) });
const server = new AuthClient({ clientId: "svc", clientSecret: "s", storage: "memory" });
const tokens: TokenSet = await server.clientCredentials({ scope: "api:read" });
const poll: PollOptions = { signal: new AbortController().signal };
const e: AuthError = new AuthError("not_initialized", "m");
void [tokens, poll, e];
`,
    { lib: ["ES2022"] },
  );
  await tsc(["-p", join(dir, "tsconfig.json")], dir);
});

test("JSDoc on every export, and on every member of every exported type", () => {
  const entries = ["index.d.ts", "node.d.ts", "react.d.ts"].map((f) => join(PKG, f));
  const program = ts.createProgram(entries, {
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler, jsx: ts.JsxEmit.ReactJSX, lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
    types: [], typeRoots: [join(ROOT, "node_modules", "@types")],
  });
  const checker = program.getTypeChecker();
  const undocumented = new Set();
  const documented = (symbol) =>
    ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() !== ""
    || (symbol.declarations ?? []).some((d) => ts.getJSDocTags(d).length > 0);
  const seen = new Set();

  function visitMembers(owner, type) {
    for (const member of checker.getPropertiesOfType(type)) {
      const declaredInPkg = (member.declarations ?? []).some((d) => d.getSourceFile().fileName.startsWith(PKG));
      if (!declaredInPkg || member.name.startsWith("__")) continue;
      const key = `${owner}.${member.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (!documented(member)) undocumented.add(key);
      const memberType = checker.getTypeOfSymbol(member);
      // Nested object literals (StandardClaims.address) have members of their own.
      if (memberType.getFlags() & ts.TypeFlags.Object && !memberType.getCallSignatures().length) {
        const decl = member.declarations?.[0];
        if (decl && ts.isPropertySignature(decl) && decl.type && ts.isTypeLiteralNode(decl.type)) visitMembers(key, memberType);
      }
    }
  }

  for (const entry of entries) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(entry));
    for (let symbol of checker.getExportsOfModule(module)) {
      const name = `${entry.slice(PKG.length + 1)}: ${symbol.name}`;
      if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
      if (!documented(symbol)) undocumented.add(name);
      const declared = symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class | ts.SymbolFlags.TypeAlias);
      if (!declared) continue;
      const type = checker.getDeclaredTypeOfSymbol(symbol);
      for (const part of type.isUnion() ? type.types : [type]) visitMembers(symbol.name, part);
    }
  }
  assert.deepEqual([...undocumented].sort(), [], "every export and field carries a doc comment");
});
