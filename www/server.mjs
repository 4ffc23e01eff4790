#!/usr/bin/env node
// One process for development and end-to-end tests:
//   the dev provider  http://127.0.0.1:${PROVIDER_PORT:-3000}  (oidc-provider, see dev/provider.mjs)
//   the demo app      http://127.0.0.1:${DEMO_PORT:-8080}      (www/ and pkg/, see dev/static-server.mjs)
// Environment:
//   PROVIDER_PORT, DEMO_PORT   ports (both on 127.0.0.1 only)
//   EXTRA_DEMO_PORTS           comma-separated: more demo origins, each with its own public client
//                              (id from extraDemoClientId(port) in dev/clients.mjs)
//   APP_REDIRECT_URIS          comma-separated redirect URIs of your own app (http://localhost:5173/):
//                              registers them for the public client APP_CLIENT_ID (dev/clients.mjs)
//   EXTRA_CLIENTS_JSON         a JSON array of extra oidc-provider client metadata
//   DEVICE_POLL_INTERVAL       device flow polling interval in seconds (default 5, as documented)
// Prints one line when ready: "demo: http://127.0.0.1:8080/  provider: http://127.0.0.1:3000".

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { APP_CLIENT_ID, DEMO_CLIENT_ID, appRedirectUris, devClients, extraDemoClientId, silentPage } from "./dev/clients.mjs";
import { generateRsaJwk, publicJwk } from "./dev/jwt.mjs";
import { createDevProvider, ROUTES } from "./dev/provider.mjs";
import { serviceAccountDevRoutes } from "./dev/service-account.mjs";
import { protectedApi } from "./dev/api.mjs";
import { createStaticServer } from "./dev/static-server.mjs";

const HOST = "127.0.0.1";
const DEMO_SCOPE = "openid profile email offline_access";
const wwwDir = dirname(fileURLToPath(import.meta.url));
const pkgDir = join(wwwDir, "..", "pkg");
// npm packages the demo page imports (pinned devDependencies), served from node_modules: no CDN.
const vendor = { "/vendor/uqr.mjs": join(wwwDir, "..", "node_modules", "uqr", "dist", "index.mjs") };

function port(name, fallback) {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error(`${name} must be a TCP port`);
  return value;
}

const providerPort = port("PROVIDER_PORT", 3000);
const demoPort = port("DEMO_PORT", 8080);
const extraPorts = (process.env.EXTRA_DEMO_PORTS ?? "").split(",").filter(Boolean).map((p) => Number(p));
if (extraPorts.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) throw new Error("EXTRA_DEMO_PORTS must list TCP ports");
const extraClients = JSON.parse(process.env.EXTRA_CLIENTS_JSON ?? "[]");
const appRedirects = appRedirectUris(process.env.APP_REDIRECT_URIS);
const deviceInterval = Number(process.env.DEVICE_POLL_INTERVAL ?? 5);
if (!Number.isInteger(deviceInterval) || deviceInterval < 1) throw new Error("DEVICE_POLL_INTERVAL must be a whole number of seconds");

const issuer = `http://${HOST}:${providerPort}`;
const origin = (p) => `http://${HOST}:${p}`;

const signingKey = generateRsaJwk();
const serviceAccountKey = generateRsaJwk();

const provider = await createDevProvider({
  issuer,
  clients: devClients({
    demoOrigin: origin(demoPort),
    extraOrigins: extraPorts.map((p) => ({ port: p, origin: origin(p) })),
    extraClients,
    appRedirects,
  }),
  signingKey,
  serviceAccountKey: publicJwk(serviceAccountKey),
  deviceInterval,
});
provider.use(serviceAccountDevRoutes(serviceAccountKey, issuer));

const demos = [
  { port: demoPort, clientId: DEMO_CLIENT_ID },
  ...extraPorts.map((p) => ({ port: p, clientId: extraDemoClientId(p) })),
].map(({ port: p, clientId }) => ({
  port: p,
  server: createStaticServer({
    wwwDir,
    pkgDir,
    providerOrigin: issuer,
    vendor,
    api: protectedApi({ provider, origin: origin(p) }),
    config: {
      issuer,
      clientId,
      redirectUri: `${origin(p)}/`,
      silentRedirectUri: silentPage(origin(p)),
      scope: DEMO_SCOPE,
      // The provider's RP-initiated logout page, for the demo's "log out at the provider too".
      endSession: `${issuer}${ROUTES.end_session}`,
    },
  }),
}));

const providerServer = provider.listen(providerPort, HOST);
const servers = [providerServer, ...demos.map(({ server }) => server)];
await Promise.all([
  once(providerServer),
  ...demos.map(({ server, port: p }) => once(server.listen(p, HOST))),
]);

console.log(`demo: ${origin(demoPort)}/  provider: ${issuer}`);
if (appRedirects.length) console.log(`your app: issuer ${issuer}  clientId ${APP_CLIENT_ID}  redirectUri ${appRedirects.join(" or ")}`);

function once(server) {
  return new Promise((resolveListening, reject) => {
    server.once("listening", resolveListening);
    server.once("error", reject);
  });
}

function shutdown() {
  for (const server of servers) {
    server.close();
    server.closeAllConnections?.();
  }
  // Open keep-alive sockets are closed above; don't wait for stragglers.
  setTimeout(() => process.exit(0), 500).unref();
}
process.once("SIGTERM", shutdown);
process.once("SIGINT", shutdown);
// Started by the test harness: end with the process that started us, however it ended.
if (process.env.EXIT_WITH_STDIN === "1") {
  process.stdin.once("close", shutdown);
  process.stdin.resume();
}
