// The dev provider's registered clients. Client ids are UUIDs, as on the real provider.

import { DEVICE_CODE_GRANT } from "./device.mjs";
import { JWT_BEARER } from "./service-account.mjs";

export const DEMO_CLIENT_ID = "4f1c2e0a-6b7d-4e8f-9a10-2b3c4d5e6f70";
export const CONFIDENTIAL_CLIENT_ID = "0b7a4c1e-2d3f-4a5b-8c9d-0e1f2a3b4c5d";
export const CONFIDENTIAL_CLIENT_SECRET = "dev-secret-not-for-browsers";

/** The id of the public client for an extra demo origin on `port` (a valid, stable UUID). */
export function extraDemoClientId(port) {
  return `4f1c2e0a-6b7d-4e8f-9a10-${String(port).padStart(12, "0")}`;
}

/**
 * The public client for your own app during development (APP_REDIRECT_URIS): one id, whatever
 * the redirect URIs, so an app's settings stay the same from run to run.
 */
export const APP_CLIENT_ID = "0a7f3e5c-1d2b-4c8e-9f60-5a4b3c2d1e0f";

/**
 * The demo's `silentRedirectUri` on `origin`: its one registered redirect URI with a query
 * parameter, which the provider allows (provider-spec.md: one redirect URI per client, "extra
 * query parameters are allowed"; redirect-query.mjs). The demo's server answers it with
 * www/silent.html.
 */
export function silentPage(origin) {
  return `${origin}/?silent`;
}

/** A public browser client whose one redirect URI is `origin + "/"`. */
export function publicDemoClient(clientId, origin) {
  return publicClient(clientId, [`${origin}/`], "wasm-oauth demo");
}

/**
 * A public browser client (no secret: PKCE) with these exact redirect URIs, which are also its
 * post-logout redirect URIs and, by their origins, the origins allowed to call the provider.
 */
export function publicClient(clientId, redirectUris, name = "your app") {
  return {
    client_id: clientId,
    client_name: name,
    application_type: "web",
    token_endpoint_auth_method: "none",
    redirect_uris: redirectUris,
    post_logout_redirect_uris: redirectUris,
    grant_types: ["authorization_code", "refresh_token", "implicit", DEVICE_CODE_GRANT],
    response_types: ["code", "id_token token"],
  };
}

/**
 * APP_REDIRECT_URIS: comma-separated redirect URIs (each http on a loopback host, or https), such
 * as `http://localhost:5173/`; each exactly as the app passes it as `redirectUri`.
 */
export function appRedirectUris(text = "") {
  const uris = text.split(",").map((u) => u.trim()).filter(Boolean);
  for (const uri of uris) {
    const url = URL.parse(uri);
    const loopback = url && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
    if (!url || !(url.protocol === "https:" || (url.protocol === "http:" && loopback)) || url.hash) {
      throw new Error(`APP_REDIRECT_URIS: ${uri} is not an absolute https URL, or http on localhost / 127.0.0.1, without a fragment`);
    }
  }
  return uris;
}

/** The server-side client: client credentials, service tokens and device sign-in. */
export function confidentialClient() {
  return {
    client_id: CONFIDENTIAL_CLIENT_ID,
    client_secret: CONFIDENTIAL_CLIENT_SECRET,
    client_name: "wasm-oauth server runtime",
    token_endpoint_auth_method: "client_secret_post",
    redirect_uris: [],
    response_types: [],
    grant_types: ["client_credentials", JWT_BEARER, DEVICE_CODE_GRANT],
    scope: "openid profile email api:read api:write",
  };
}

/**
 * Every client for a provider that serves the demo at `demoOrigin` and at `extraOrigins`
 * (`{ port, origin }` each), your app's client when `appRedirects` (APP_REDIRECT_URIS) names
 * redirect URIs, plus any raw metadata from `extraClients` (EXTRA_CLIENTS_JSON).
 */
export function devClients({ demoOrigin, extraOrigins = [], extraClients = [], appRedirects = [] }) {
  return [
    publicDemoClient(DEMO_CLIENT_ID, demoOrigin),
    ...extraOrigins.map(({ port, origin }) => publicDemoClient(extraDemoClientId(port), origin)),
    ...(appRedirects.length ? [publicClient(APP_CLIENT_ID, appRedirects)] : []),
    confidentialClient(),
    ...extraClients,
  ];
}
