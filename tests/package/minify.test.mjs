// scripts/minify-names.mjs rewrites wasm-bindgen's glue by the shapes it knows (the import
// object, `wasm.NAME` calls, the declared exports). It earns its place (about 5.8 KB min+gzip,
// README "Size") only if it can never write a broken package quietly: output whose shape it does
// not recognise must stop the build. Here it is handed output it did not expect (a package it
// has already minified: no `./wasm_oauth_bg.js` import module any more) and must refuse it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

test("minify-names refuses glue whose shape it does not know, and leaves it untouched", () => {
  const dir = mkdtempSync(join(tmpdir(), "minify-"));
  for (const file of ["wasm_oauth.js", "wasm_oauth.d.ts", "wasm_oauth_bg.wasm", "wasm_oauth_bg.wasm.d.ts"]) {
    cpSync(join(ROOT, "pkg", file), join(dir, file));
  }
  const before = readFileSync(join(dir, "wasm_oauth.js"), "utf8");
  const run = spawnSync(process.execPath, [join(ROOT, "scripts/minify-names.mjs"), "wasm_oauth"], {
    env: { ...process.env, WASM_OAUTH_PKG_DIR: dir },
    encoding: "utf8",
  });
  assert.notEqual(run.status, 0, "it must fail");
  assert.match(run.stderr, /no imports from \.\/wasm_oauth_bg\.js/);
  assert.equal(readFileSync(join(dir, "wasm_oauth.js"), "utf8"), before, "the glue is not rewritten");
});

test("the shipped glue names every import the .wasm asks for, and no hashed name is left", () => {
  const glue = readFileSync(join(ROOT, "pkg/wasm_oauth.js"), "utf8");
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(join(ROOT, "pkg/wasm_oauth_bg.wasm"))));
  assert.ok(imports.length > 50);
  const escape = (s) => s.replace(/[$]/g, "\\$&");
  for (const { name } of imports) assert.match(glue, new RegExp(`(?<![\\w$])${escape(name)}:`), name);
  assert.doesNotMatch(glue, /__wbg_\w+_[0-9a-f]{16}\b/, "a wasm-bindgen import name survived");
});

test("the shipped glue bundles without a warning (one import object entry per module)", async () => {
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [join(ROOT, "pkg/index.js")],
    bundle: true,
    format: "esm",
    write: false,
    logLevel: "silent",
  });
  assert.deepEqual(
    result.warnings.map((w) => w.text),
    [],
  );
});
