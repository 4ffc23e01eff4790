// A static server for one consumer build: files under `root`, `/config.json` with the app's
// settings, and the demo's strict CSP on HTML (no inline script but the hashes given, 'wasm-unsafe-eval'
// for the .wasm). Listens on 127.0.0.1:`port`.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".map": "application/json; charset=utf-8",
};

export function contentSecurityPolicy(issuer, scriptHashes = []) {
  return [
    "default-src 'self'",
    ["script-src 'self' 'wasm-unsafe-eval'", ...scriptHashes.map((h) => `'${h}'`)].join(" "),
    `connect-src 'self' ${issuer}`,
    "img-src 'self' data:",
    "style-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Starts serving; resolves with `{ url, close() }`. */
export function serveBuild({ root, port, config, issuer, scriptHashes }) {
  const base = resolve(root);
  const csp = contentSecurityPolicy(issuer, scriptHashes);
  const server = createServer(async (req, res) => {
    const { pathname } = new URL(req.url ?? "/", "http://consumer.invalid");
    const send = (status, body, type) => {
      const headers = { "Content-Type": type, "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" };
      if (type.startsWith("text/html")) headers["Content-Security-Policy"] = csp;
      res.writeHead(status, headers);
      res.end(body);
    };
    if (pathname === "/config.json") return send(200, JSON.stringify(config), MIME[".json"]);
    const file = resolve(join(base, decodeURIComponent(pathname === "/" ? "/index.html" : pathname)));
    const type = MIME[extname(file)];
    if (!type || !(file === base || file.startsWith(base + sep))) return send(404, "not found", "text/plain");
    try {
      if (!(await stat(file)).isFile()) throw new Error("not a file");
      send(200, await readFile(file), type);
    } catch {
      send(404, "not found", "text/plain");
    }
  });
  return new Promise((resolveListening, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () =>
      resolveListening({
        url: `http://127.0.0.1:${port}/`,
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      }));
  });
}
