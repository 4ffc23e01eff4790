// The demo's static server: `www/` at `/`, the built npm package `pkg/` at `/pkg/`, single files
// from npm packages at the paths of `vendor`, and `/config.json` for the page. HTML gets a strict
// CSP (no inline script or style).

import { createServer } from "node:http";
import { API_PATH } from "./api.mjs";
import { readFile, stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";

export const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".ts": "text/plain; charset=utf-8", // .d.ts type declarations
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

// The dev server's own code lives in www/ too; it is not part of the site.
function isServerCode(wwwDir, file) {
  const base = resolve(wwwDir);
  return file === join(base, "server.mjs") || file === join(base, "dev") || file.startsWith(join(base, "dev") + sep);
}

/**
 * The strict CSP for HTML; `scriptHashes` allow given inline scripts (a bundler's loader).
 * Silent sign-in's hidden iframe goes to the provider and comes back to this origin
 * (`frame-src`); only the silent sign-in page may itself be framed, by this origin alone
 * (`framedBySelf`), every other page by nobody.
 */
export function contentSecurityPolicy(providerOrigin, scriptHashes = [], { framedBySelf = false } = {}) {
  return [
    "default-src 'self'",
    ["script-src 'self' 'wasm-unsafe-eval'", ...scriptHashes.map((h) => `'${h}'`)].join(" "),
    `connect-src 'self' ${providerOrigin}`,
    `frame-src 'self' ${providerOrigin}`,
    "img-src 'self' data:",
    "style-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${framedBySelf ? "'self'" : "'none'"}`,
  ].join("; ");
}

/** The demo's silent sign-in page, served for `/silent.html` and for `/?silent` (clients.mjs `silentPage`). */
const SILENT_PAGE = "/silent.html";

/**
 * Resolves a URL path inside `root`, or returns undefined when it would leave it
 * (`..`, encoded separators, NUL bytes, malformed escapes).
 */
export function resolveInside(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return undefined;
  const base = resolve(root);
  const target = resolve(join(base, decoded));
  return target === base || target.startsWith(base + sep) ? target : undefined;
}

/**
 * Creates (does not start) the demo server.
 * @param {object} options
 * @param {string} options.wwwDir   the site root
 * @param {string} options.pkgDir   the built package
 * @param {object} options.config   served as /config.json
 * @param {Function} [options.api] the protected API's handler for /api/v1/me (api.mjs)
 * @param {string} options.providerOrigin  allowed in connect-src
 * @param {Record<string, string>} [options.vendor]  URL path → file (e.g. an npm package's ES module)
 */
export function createStaticServer({ wwwDir, pkgDir, config, providerOrigin, vendor = {}, api }) {
  const csp = contentSecurityPolicy(providerOrigin);
  const silentCsp = contentSecurityPolicy(providerOrigin, [], { framedBySelf: true });
  const configBody = JSON.stringify(config);

  return createServer(async (req, res) => {
    const send = (status, body, headers = {}) => {
      res.writeHead(status, {
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        ...headers,
      });
      res.end(req.method === "HEAD" ? undefined : body);
    };

    if (req.method !== "GET" && req.method !== "HEAD") {
      send(405, "method not allowed", { Allow: "GET, HEAD", "Content-Type": "text/plain" });
      return;
    }

    const requested = new URL(req.url ?? "/", "http://demo.invalid");
    // The registered redirect URI with `?silent`: silent sign-in's answer, for the light page.
    const pathname = requested.pathname === "/" && requested.searchParams.has("silent") ? SILENT_PAGE : requested.pathname;
    if (api && pathname === API_PATH) {
      await api(req, send);
      return;
    }
    if (pathname === "/config.json") {
      send(200, configBody, { "Content-Type": MIME[".json"] });
      return;
    }

    let file;
    if (Object.hasOwn(vendor, pathname)) {
      file = vendor[pathname];
    } else if (pathname === "/pkg" || pathname.startsWith("/pkg/")) {
      file = resolveInside(pkgDir, pathname.slice("/pkg".length));
    } else {
      file = resolveInside(wwwDir, pathname === "/" ? "/index.html" : pathname);
      if (file && isServerCode(wwwDir, file)) file = undefined;
    }

    const type = file && MIME[extname(file)];
    const body = type && (await readRegularFile(file));
    if (!body) {
      send(404, "not found", { "Content-Type": "text/plain; charset=utf-8" });
      return;
    }
    const headers = { "Content-Type": type };
    if (type.startsWith("text/html")) headers["Content-Security-Policy"] = pathname === SILENT_PAGE ? silentCsp : csp;
    send(200, body, headers);
  });
}

export async function readRegularFile(file) {
  try {
    if (!(await stat(file)).isFile()) return undefined;
    return await readFile(file);
  } catch {
    return undefined;
  }
}
