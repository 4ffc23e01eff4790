// The two local servers of the benchmark, both on 127.0.0.1 only:
//  - the app: a static server for the harness page (/app/<sdk>/ is each SDK's redirect URI), the
//    bundles and /bench/config.json; cross-origin isolated (COOP + COEP) so performance.now() has
//    its fine resolution, and no-store so every load is cold;
//  - the issuer: HTTPS (a throwaway self-signed certificate; MSAL refuses http authorities), a
//    fake but well-formed OpenID provider answering by path suffix under /<sdk>/...: discovery,
//    JWKS, token (really signed JWTs, see page/tokens.js), userinfo; CORS for the app's origin.
//    It logs every request (CORS preflights included) for the requests-per-login count.

import { execFileSync } from "node:child_process";
import { readFileSync, existsSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { extname, join, normalize } from "node:path";
import {
  decodeCode, discoveryDocument, endpointKind, importSigningKey, tokenResponseBody,
} from "./page/tokens.js";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
};

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server.address().port));
  });
}

/** A file under `root`, or undefined if the path escapes it or does not exist. */
function fileUnder(root, rel) {
  const path = normalize(join(root, rel));
  if (!path.startsWith(root) || !existsSync(path)) return undefined;
  return path;
}

/**
 * The app server. `routes`: { pageDir, bundleDir, config: () => object }.
 * Resolves to { origin, close }.
 */
export async function startAppServer({ pageDir, bundleDir, config }) {
  const server = createHttpServer((req, res) => {
    const { pathname, searchParams } = new URL(req.url, "http://x");
    const headers = {
      "cache-control": "no-store",
      "cross-origin-opener-policy": "same-origin",
      "cross-origin-embedder-policy": "require-corp",
    };
    let file;
    const app = pathname.match(/^\/app\/([^/]+)\/$/);
    if (app && searchParams.has("preload")) {
      // The page as an app following the README's advice: the SDK's module and its .wasm
      // asked for while the page loads (modulepreload, and preload as fetch).
      const html = readFileSync(join(pageDir, "index.html"), "utf8").replace(
        "<title>",
        `<link rel="modulepreload" href="/bundles/${app[1]}.js">\n` +
          '<link rel="preload" href="/bundles/wasm_oauth_bg.wasm" as="fetch" type="application/wasm" crossorigin>\n<title>',
      );
      res.writeHead(200, { ...headers, "content-type": TYPES[".html"] });
      res.end(html);
      return;
    }
    if (app) file = join(pageDir, "index.html");
    else if (pathname.startsWith("/bench/page/")) file = fileUnder(pageDir, pathname.slice("/bench/page/".length));
    else if (pathname.startsWith("/bundles/")) file = fileUnder(bundleDir, pathname.slice("/bundles/".length));
    else if (pathname === "/bench/config.json") {
      res.writeHead(200, { ...headers, "content-type": TYPES[".json"] });
      res.end(JSON.stringify(config()));
      return;
    }
    if (!file) {
      res.writeHead(404, headers);
      res.end("not found");
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, { ...headers, "content-type": TYPES[extname(file)] ?? "application/octet-stream", "content-length": body.length });
    res.end(body);
  });
  server.keepAliveTimeout = 1000;
  const port = await listen(server);
  return { origin: `http://127.0.0.1:${port}`, close: () => closeServer(server) };
}

/** A self-signed certificate for 127.0.0.1 (openssl), written under `dir`. */
function selfSignedCert(dir) {
  const key = join(dir, "issuer-key.pem");
  const cert = join(dir, "issuer-cert.pem");
  try {
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
      "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
    ], { stdio: "ignore" });
  } catch (e) {
    throw new Error(`the issuer's certificate needs openssl (apt-get install openssl): ${e.message}`);
  }
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

/**
 * The fake issuer. `sdkFor(firstPathSegment)` gives { tokenIss, idToken, clientId } of the SDK
 * whose issuer lives under that segment. Resolves to { origin, log, resetLog, close }.
 */
export async function startIssuer({ tmpDir, keys, sdkFor }) {
  const signingKey = await importSigningKey(keys.privateJwk);
  const jwks = JSON.stringify({ keys: [keys.publicJwk] });
  let log = [];

  const server = createHttpsServer(selfSignedCert(tmpDir), async (req, res) => {
    const { pathname } = new URL(req.url, "https://x");
    const kind = endpointKind(pathname);
    log.push({ method: req.method, path: pathname, kind, t: performance.now() });
    const origin = req.headers.origin;
    const cors = {
      "access-control-allow-origin": origin ?? "*",
      "access-control-allow-credentials": "true",
      "access-control-allow-methods": "GET, POST, OPTIONS",
      "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "content-type",
      "access-control-expose-headers": "*",
      "access-control-max-age": "600",
      "cross-origin-resource-policy": "cross-origin",
      "cache-control": "no-store",
      vary: "origin",
    };
    const json = (status, value) => {
      const body = typeof value === "string" ? value : JSON.stringify(value);
      res.writeHead(status, { ...cors, "content-type": "application/json; charset=utf-8" });
      res.end(body);
    };
    if (req.method === "OPTIONS") {
      res.writeHead(204, cors);
      res.end();
      return;
    }
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const raw = Buffer.concat(chunks).toString("utf8");
    const sdk = sdkFor(pathname.split("/")[1]);

    if (kind === "discovery" && req.method === "GET") {
      return json(200, discoveryDocument(`https://${req.headers.host}${pathname.slice(0, pathname.indexOf("/.well-known/"))}`));
    }
    if (kind === "jwks" && req.method === "GET") return json(200, jwks);
    if (kind === "userinfo") return json(200, { sub: "bench-user-1", name: "Bench User" });
    if (kind === "token" && req.method === "POST" && sdk) {
      let form;
      try {
        form = (req.headers["content-type"] ?? "").includes("json")
          ? new URLSearchParams(JSON.parse(raw))
          : new URLSearchParams(raw);
      } catch {
        return json(400, { error: "invalid_request" });
      }
      if (form.get("grant_type") !== "authorization_code" || !form.get("code") || !form.get("code_verifier")) {
        return json(400, { error: "invalid_request", error_description: "code + PKCE only" });
      }
      const { nonce, scope } = decodeCode(form.get("code"));
      const body = await tokenResponseBody(signingKey, {
        iss: sdk.tokenIss, aud: form.get("client_id") ?? sdk.clientId, nonce, scope, idToken: sdk.idToken,
      });
      return json(200, body);
    }
    return json(404, { error: "not_found" });
  });
  const port = await listen(server);
  return {
    origin: `https://127.0.0.1:${port}`,
    log: () => log.slice(),
    resetLog: () => { log = []; },
    close: () => closeServer(server),
  };
}

function closeServer(server) {
  return new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
}
