// Prints what a SPA downloads to log in with wasm-oauth: the .wasm and the JS
// glue (bundled and minified with esbuild, as an app's bundler would), raw,
// gzip -9 and brotli. With --check, fails when min+gzip of both together is
// over the budget in bench/size-budget (a ratchet: lower it as size comes down).
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const wasm = readFileSync(`${root}pkg/wasm_oauth_bg.wasm`);
const out = await build({
  entryPoints: [`${root}pkg/index.js`],
  bundle: true,
  minify: true,
  format: "esm",
  platform: "browser",
  write: false,
  logLevel: "silent",
});
const glue = Buffer.from(out.outputFiles[0].contents);

const gz = (b) => gzipSync(b, { level: 9 }).length;
const br = (b) =>
  brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kb = (n) => (n / 1000).toFixed(1) + " KB";

const rows = [
  [".wasm", wasm.length, gz(wasm), br(wasm)],
  ["glue (min)", glue.length, gz(glue), br(glue)],
];
const total = ["total", rows[0][1] + rows[1][1], rows[0][2] + rows[1][2], rows[0][3] + rows[1][3]];
const lines = ["| file | raw | gzip -9 | brotli |", "|---|---|---|---|"];
for (const [name, raw, g, b] of [...rows, total]) {
  lines.push(`| ${name} | ${raw} B (${kb(raw)}) | ${g} B (${kb(g)}) | ${b} B (${kb(b)}) |`);
}
console.log(lines.join("\n"));

// --write-readme: put the table between the README's size markers.
if (process.argv.includes("--write-readme")) {
  const readme = `${root}README.md`;
  const text = readFileSync(readme, "utf8");
  const updated = text.replace(
    /<!-- size:start -->[\s\S]*?<!-- size:end -->/,
    `<!-- size:start -->\n${lines.join("\n")}\n<!-- size:end -->`,
  );
  writeFileSync(readme, updated);
  console.log("README.md size table updated");
}

const budgetFile = `${root}bench/size-budget`;
if (process.argv.includes("--check") && existsSync(budgetFile)) {
  const budget = Number(readFileSync(budgetFile, "utf8").trim());
  const used = total[2];
  console.log(`size budget: ${used} B min+gzip of ${budget} B allowed`);
  if (!(used <= budget)) {
    console.error(`size budget exceeded by ${used - budget} B: see README "Size"`);
    process.exit(1);
  }
}
