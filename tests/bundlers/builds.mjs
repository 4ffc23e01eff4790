// The consumer app (tests/bundlers/app) built the ways front-end developers build: Vite 8 and 7,
// webpack and esbuild (each through its Node API, no plugins), unbundled through an import map,
// and the React example (www/examples/react) built by Vite 8 as its own build does. Each returns
// `{ root, scriptHashes? }`: the directory to serve and the hashes of inline scripts it needs.
import { createHash } from "node:crypto";
import { copyFileSync, cpSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../node/tarball.mjs";

const wasmOf = (appDir) => join(appDir, "node_modules", "wasm-oauth", "wasm_oauth_bg.wasm");

/** Every file under `dir`, relative paths. */
export function filesUnder(dir, prefix = "") {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}

/**
 * Vite production build (`vite` is the package: "vite" is Vite 8, "vite7" Vite 7): index.html is
 * the entry; the .wasm is emitted as a hashed asset.
 */
export async function buildVite(appDir, outDir, { vite = "vite" } = {}) {
  const { build } = await import(vite);
  await build({
    root: appDir,
    configFile: false,
    logLevel: "silent",
    build: { outDir, emptyOutDir: true },
  });
  return { root: outDir };
}

/** webpack 5 production build: `new URL(..., import.meta.url)` becomes an emitted asset. */
export async function buildWebpack(appDir, outDir) {
  const { default: webpack } = await import("webpack");
  const stats = await new Promise((resolveBuild, reject) => {
    webpack(
      {
        mode: "production",
        context: appDir,
        entry: "./main.js",
        target: "web",
        devtool: false,
        output: { path: outDir, filename: "main.js", clean: true },
        // webpack's size hint (244 KiB, uncompressed) is below the .wasm's raw size (about
        // 250 KB; under 100 KB gzipped): the README's Bundlers section says so and shows this
        // setting. Any other warning still fails the build.
        performance: { maxAssetSize: 512 * 1024 },
      },
      (error, result) => (error ? reject(error) : resolveBuild(result)),
    );
  });
  if (stats.hasErrors() || stats.hasWarnings()) {
    throw new Error(`webpack:\n${stats.toString({ all: false, errors: true, warnings: true })}`);
  }
  // No HTML plugin: the page loads the bundle as a classic deferred script.
  const html = readFileSync(join(appDir, "index.html"), "utf8")
    .replace('<script type="module" src="./main.js"></script>', '<script defer src="/main.js"></script>');
  writeFileSync(join(outDir, "index.html"), html);
  return { root: outDir };
}

/**
 * esbuild: it keeps `new URL("wasm_oauth_bg.wasm", import.meta.url)` but does not emit the file,
 * so the .wasm is copied next to the bundle (the one extra step an esbuild user takes; without it,
 * `copyWasm: false`, init() must say so).
 */
export async function buildEsbuild(appDir, outDir, { copyWasm = true } = {}) {
  const esbuild = await import("esbuild");
  await esbuild.build({
    entryPoints: [join(appDir, "main.js")],
    bundle: true,
    format: "esm",
    platform: "browser",
    minify: true,
    outfile: join(outDir, "main.js"),
    logLevel: "silent",
  });
  copyFileSync(join(appDir, "index.html"), join(outDir, "index.html"));
  if (copyWasm) copyFileSync(wasmOf(appDir), join(outDir, "wasm_oauth_bg.wasm"));
  return { root: outDir };
}

/**
 * No bundler: the app's own files and its node_modules, served as they are; an import map
 * (inline, allowed by its CSP hash) maps the bare "wasm-oauth" to the package's entry.
 */
export async function preparePlain(appDir) {
  const importMap = JSON.stringify({ imports: { "wasm-oauth": "/node_modules/wasm-oauth/index.js" } });
  const html = readFileSync(join(appDir, "index.html"), "utf8").replace(
    '<script type="module"',
    `<script type="importmap">${importMap}</script>\n  <script type="module"`,
  );
  writeFileSync(join(appDir, "index.html"), html);
  const hash = `sha256-${createHash("sha256").update(importMap).digest("base64")}`;
  return { root: appDir, scriptHashes: [hash] };
}

/**
 * The React example (www/examples/react: Vite 8, React, TypeScript) built as its `npm run build`
 * does (`vite build` with its own vite.config.ts), its client settings in .env.production.local.
 */
export async function buildReact(appDir, outDir, { config }) {
  const exampleDir = join(appDir, "react-example");
  cpSync(join(ROOT, "www", "examples", "react"), exampleDir, {
    recursive: true,
    filter: (f) => !/node_modules|dist|package\.json$/.test(f),
  });
  // The example depends on wasm-oauth through the consumer app's node_modules (the tarball).
  symlinkSync(join(appDir, "node_modules"), join(exampleDir, "node_modules"));
  writeFileSync(
    join(exampleDir, ".env.production.local"),
    `VITE_OAUTH_ISSUER=${config.issuer}\nVITE_OAUTH_CLIENT_ID=${config.clientId}\n`,
  );
  const { build } = await import("vite");
  await build({ root: exampleDir, logLevel: "silent", build: { outDir, emptyOutDir: true } });
  return { root: outDir };
}
