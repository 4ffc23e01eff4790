// Helpers of the React tests: an app directory under target/tmp/ with the packed tarball
// installed (react, react-dom, vite and @vitejs/plugin-react come from the repository's pinned
// node_modules), and Vite 8's dev server for it, which is what `npm run dev` runs.
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { appDir, installTarball } from "../node/tarball.mjs";

/**
 * Copies `template` into a fresh directory and installs `tarball` there, under a package.json of
 * its own (the template's dependencies are the repository's; nothing is fetched).
 */
export function prepareApp(template, tarball, prefix) {
  const dir = appDir(prefix);
  cpSync(template, dir, { recursive: true, filter: (f) => !/node_modules|dist|package\.json$/.test(f) });
  installTarball(dir, tarball, { manifest: { name: prefix.replace(/\W+$/, ""), private: true, type: "module" } });
  return dir;
}

/** Writes the app's .env.development.local (what Vite exposes as import.meta.env.VITE_*). */
export function writeEnv(dir, values) {
  const text = Object.entries(values).map(([k, v]) => `${k}=${v}\n`).join("");
  writeFileSync(join(dir, ".env.development.local"), text);
}

/**
 * Starts Vite's dev server for `root` on `host`:`port` (the app's own vite.config.ts when it has
 * one, else React's plugin); resolves with `{ url, close }`.
 */
export async function startViteDev(root, { host, port, useConfigFile = true }) {
  const { createServer } = await import("vite");
  const config = useConfigFile ? {} : { configFile: false, plugins: [(await import("@vitejs/plugin-react")).default()] };
  const server = await createServer({
    root,
    ...config,
    logLevel: "silent",
    clearScreen: false,
    server: { host, port, strictPort: true },
  });
  await server.listen();
  return { url: `http://${host}:${port}/`, close: () => server.close() };
}
