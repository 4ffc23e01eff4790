// Where the .wasm's code goes, by crate: `twiggy top` over the release
// .wasm as wasm-bindgen leaves it, before wasm-opt (it still has names),
// each function counted for the first crate its name mentions (a generic
// instance such as `<serde_wasm_bindgen::de::Deserializer as ...>::
// deserialize_struct::<wasm_oauth::...>` counts for serde_wasm_bindgen).
// Raw bytes, before wasm-opt: the shares are what to read, not the totals.
//
//   node scripts/size-by-crate.mjs [target/pkg-input/wasm_oauth.wasm]
// Needs twiggy (cargo install twiggy --version 0.8.0 --locked).
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const input = process.argv[2] ?? "target/pkg-input/wasm_oauth.wasm";
const out = mkdtempSync(join(tmpdir(), "size-by-crate-"));
execFileSync("wasm-bindgen", ["--target", "web", "--out-dir", out, "--out-name", "w", input]);
const wasm = join(out, "w_bg.wasm");
const csv = execFileSync("twiggy", ["top", "-n", "100000", "--format", "csv", wasm], {
  encoding: "utf8",
  maxBuffer: 1 << 28,
});
const totals = new Map();
let all = 0;
for (const line of csv.split("\n").slice(1)) {
  const match = line.match(/^"?(.*?)"?,(\d+),/);
  if (!match) continue;
  const [, name, bytes] = match;
  if (name.includes("subsection") || name.startsWith("custom section")) continue;
  const crate = name.startsWith("data segment")
    ? "(data: strings and tables)"
    : (name.match(/([A-Za-z_][A-Za-z0-9_]*)\[[0-9a-f]+\]/)?.[1] ?? "(other: glue, imports, tables)");
  totals.set(crate, (totals.get(crate) ?? 0) + Number(bytes));
  all += Number(bytes);
}
const rows = [...totals].sort((a, b) => b[1] - a[1]);
console.log("| crate | raw bytes | share |\n|---|--:|--:|");
for (const [crate, bytes] of rows) {
  if (bytes / all < 0.005) continue;
  console.log(`| ${crate} | ${bytes} | ${((100 * bytes) / all).toFixed(1)} % |`);
}
console.log(`| all | ${all} | 100 % |`);
