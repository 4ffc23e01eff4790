// A static server for one consumer build: files under `root`, `/config.json` with the app's
// settings, and the demo's strict CSP on HTML (no inline script but the hashes given, 'wasm-unsafe-eval'
// for the .wasm). Listens on 127.0.0.1:`port`. The MIME types, the CSP and the path checks are the
// demo server's own (www/dev/static-server.mjs).
import { createServer } from "node:http";
import { extname } from "node:path";
import { MIME, contentSecurityPolicy, readRegularFile, resolveInside } from "../../www/dev/static-server.mjs";

/** Starts serving; resolves with `{ url, close() }`. */
export function serveBuild({ root, port, config, issuer, scriptHashes }) {
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
    const file = resolveInside(root, pathname === "/" ? "/index.html" : pathname);
    const type = file && MIME[extname(file)];
    const body = type && (await readRegularFile(file));
    if (!body) return send(404, "not found", "text/plain");
    send(200, body, type);
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
