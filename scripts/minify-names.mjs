// Renames the .wasm's imports and exports to one- and two-letter names and
// rewrites the JS glue to match. wasm-bindgen names each import after its
// function plus a 16-digit hash; those names sit in both files and barely
// compress (about 4 KB gzip in all). Run by scripts/build.sh after wasm-opt.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
// Usage: minify-names.mjs OUT_NAME [wasm-opt feature flags...], OUT_NAME being
// wasm-bindgen's --out-name (wasm_oauth for the browser build, wasm_oauth_server).
const [name, ...features] = process.argv.slice(2);
if (!/^\w+$/.test(name ?? "")) throw new Error("usage: minify-names.mjs OUT_NAME [wasm-opt flags]");
// WASM_OAUTH_PKG_DIR: another folder than pkg/ (tests/package/minify.test.mjs).
const dir = process.env.WASM_OAUTH_PKG_DIR ?? `${root}pkg`;
const wasm = `${dir}/${name}_bg.wasm`;
const glueFiles = [`${dir}/${name}.js`, `${dir}/${name}.d.ts`, `${dir}/${name}_bg.wasm.d.ts`];

const out = execFileSync(
  `${root}node_modules/.bin/wasm-opt`,
  [wasm, "--minify-imports-and-exports-and-modules", ...features, "-o", wasm],
  { encoding: "utf8", maxBuffer: 1 << 24 },
);
const map = JSON.parse(out.slice(out.indexOf("{")));
// Most imports come from the glue's own import object; a snippet function the
// .wasm can call with no glue in between (no strings, no options) is imported
// from the snippet module directly, under its own name. wasm-opt puts all of
// them in one module with short names.
const oldModule = `./${name}_bg.js`;
const viaGlue = map.imports.filter(([module]) => module === oldModule);
const direct = map.imports.filter(([module]) => module !== oldModule);
if (!viaGlue.length) throw new Error(`no imports from ${oldModule}`);
const newModules = new Set(WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasm))).map((i) => i.module));
if (newModules.size !== 1) throw new Error(`expected one import module after minifying, got ${[...newModules]}`);
const [newModule] = newModules;

const escape = (s) => s.replace(/[$]/g, "\\$&");
for (const file of glueFiles) {
  let text = readFileSync(file, "utf8");
  // The direct imports move into the glue's import object, under their new names:
  // `"./snippets/.../web.js": import1,` goes, `X: import1.listeners,` comes. wasm-bindgen
  // writes such an entry, and a namespace import, per `extern` block of the module (the
  // same key several times over, which bundlers warn about): every entry goes, since the
  // .wasm imports nothing from the module any more, and the first namespace serves all.
  for (const module of new Set(direct.map(([m]) => m))) {
    const quoted = escape(JSON.stringify(module));
    const entry = new RegExp(`\\n\\s*${quoted}: (import\\d+),`, "g");
    const found = [...text.matchAll(entry)].map((m) => m[1]);
    if (!found.length) {
      if (file === glueFiles[0]) throw new Error(`${module} not found in the glue's imports`);
      continue;
    }
    text = text.replace(entry, "");
    for (const other of found.slice(1)) {
      const line = new RegExp(`\\nimport \\* as ${other} from ${quoted};?(?=\\n)`);
      if (!line.test(text)) throw new Error(`the namespace import ${other} of ${module} was not found`);
      text = text.replace(line, "");
      if (new RegExp(`\\b${other}\\b`).test(text)) throw new Error(`${other} is still used after its entry went`);
    }
    const names = direct.filter(([m]) => m === module).map(([, from, to]) => `\n        ${to}: ${found[0]}.${from},`);
    text = text.replace(/(\n    const import0 = \{\n        __proto__: null,)/, `$1${names.join("")}`);
  }
  text = text.replaceAll(JSON.stringify(oldModule), JSON.stringify(newModule));
  // Import names are unique hashed tokens: replace them wherever they stand.
  for (const [, from, to] of viaGlue) {
    text = text.replace(new RegExp(`\\b${escape(from)}\\b`, "g"), to);
  }
  // Export names can be plain words (`memory`): replace them only as `wasm.NAME`
  // in the glue, and as the declared names in the .d.ts files (`InitOutput`'s
  // members are the raw exports, so they are renamed there too).
  for (const [from, to] of map.exports) {
    if (!/^[A-Za-z_$][\w$]*$/.test(to)) throw new Error(`export renamed to a non-identifier: ${to}`);
    text = text.replace(new RegExp(`\\bwasm\\.${escape(from)}\\b`, "g"), `wasm.${to}`);
    text = text.replace(new RegExp(`^(\\s*(?:readonly|export const) )${escape(from)}(:)`, "gm"), `$1${to}$2`);
  }
  writeFileSync(file, text);
}
// Nothing of the old names may be left in the glue.
const glue = readFileSync(glueFiles[0], "utf8");
const left = viaGlue.filter(([, from]) => glue.includes(from));
if (direct.length && !glue.includes(`${direct[0][2]}: import`)) throw new Error("direct imports not wired");
if (left.length) throw new Error(`import names left in the glue: ${left.map((l) => l[1])}`);
console.log(`minified ${map.imports.length} import and ${map.exports.length} export names`);
