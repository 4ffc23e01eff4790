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

/** A public browser client whose one redirect URI is `origin + "/"`. */
export function publicDemoClient(clientId, origin) {
  const redirectUri = `${origin}/`;
  return {
    client_id: clientId,
    client_name: "wasm-oauth demo",
    application_type: "web",
    token_endpoint_auth_method: "none",
    redirect_uris: [redirectUri],
    post_logout_redirect_uris: [redirectUri],
    grant_types: ["authorization_code", "refresh_token", "implicit", DEVICE_CODE_GRANT],
    response_types: ["code", "id_token token"],
  };
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
 * (`{ port, origin }` each), plus any raw metadata from `extraClients` (EXTRA_CLIENTS_JSON).
 */
export function devClients({ demoOrigin, extraOrigins = [], extraClients = [] }) {
  return [
    publicDemoClient(DEMO_CLIENT_ID, demoOrigin),
    ...extraOrigins.map(({ port, origin }) => publicDemoClient(extraDemoClientId(port), origin)),
    confidentialClient(),
    ...extraClients,
  ];
}
