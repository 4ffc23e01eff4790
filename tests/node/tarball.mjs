// Helpers shared by the tests that consume the package as an app would: `npm pack` of pkg/
// and an offline `npm install` of that tarball into a throwaway project.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const PKG = join(ROOT, "pkg");

/** A fresh temporary directory (the caller removes it). */
export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A fresh temporary directory inside this repository (target/tmp/), for an app that takes what
 * the package leaves to the app (react, vite, typescript, @types/*) from the repository's pinned
 * node_modules, found by Node's and TypeScript's usual walk up the directories.
 */
export function appDir(prefix) {
  mkdirSync(join(ROOT, "target", "tmp"), { recursive: true });
  return mkdtempSync(join(ROOT, "target", "tmp", prefix));
}

/** Packs pkg/ into `dir`; returns the tarball's path and the list of files in it. */
export function packTarball(dir) {
  const [packed] = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--pack-destination", dir], { cwd: PKG, encoding: "utf8" }),
  );
  return { tarball: join(dir, packed.filename), files: packed.files.map((f) => f.path) };
}

/**
 * Installs `tarball` (offline: nothing comes from a registry) into `dir`, writing a minimal
 * package.json first unless `manifest` is false.
 */
export function installTarball(dir, tarball, { manifest = { name: "consumer", private: true, type: "module" } } = {}) {
  if (manifest) writeFileSync(join(dir, "package.json"), JSON.stringify(manifest, null, 2));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", "--no-package-lock", tarball], {
    cwd: dir,
    stdio: "pipe",
  });
}
