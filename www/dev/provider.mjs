// The dev provider: oidc-provider configured to look like the real one (provider-spec.md).
// Everything here is for development and tests on 127.0.0.1; none of it is production config.

import { randomBytes } from "node:crypto";
import { findAccount, loginAsUrnMiddleware } from "./accounts.mjs";
import { deviceAuthorizationAsDocumented } from "./device.mjs";
import { exposeDate } from "./expose-date.mjs";
import { offlineAccessMeansConsent } from "./offline-access.mjs";
import { JWT_BEARER, jwtBearerGrant } from "./service-account.mjs";
import { statsMiddleware } from "./stats.mjs";
import { redirectProbeMiddleware } from "./redirect-probe.mjs";
import { allowRedirectQuery } from "./redirect-query.mjs";
import { resourceIndicators } from "./resources.mjs";

// provider-spec.md, "Endpoints"; PAR and end-session are ours (the spec leaves them undocumented).
export const ROUTES = {
  authorization: "/auth/authorize",
  token: "/api/v1/oauth/token",
  device_authorization: "/api/v1/oauth/code",
  code_verification: "/sc",
  revocation: "/api/v1/oauth/revoke",
  userinfo: "/api/v1/userinfo",
  jwks: "/.well-known/jwks.json",
  pushed_authorization_request: "/api/v1/oauth/par",
  end_session: "/api/v1/oauth/logout",
};

const DAY = 24 * 60 * 60;

// oidc-provider's lifetimes. PAR has no setting: it caps pushed requests at 60 s, not the real 600 s.
const TTL = {
  // An API's token lives as long as that API says (resources.mjs); any other 3600 s.
  AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 3600,
  ClientCredentials: 3600,
  AuthorizationCode: 60,
  DeviceCode: 300,
  IdToken: 3600,
  Interaction: 3600,
  Session: 14 * DAY,
  Grant: 14 * DAY,
  RefreshToken(ctx, token, client) {
    // A rotated public-client refresh token keeps the lifetime of the one it replaced
    // (oidc-provider's own default), so rotation cannot extend a session forever.
    const rotated = ctx?.oidc?.entities?.RotatedRefreshToken;
    if (rotated && client.clientAuthMethod === "none" && !token.isSenderConstrained()) {
      return rotated.remainingTTL;
    }
    return 14 * DAY;
  },
};

/** CORS for browser calls: an origin may call for a client when it is one of the client's redirect origins. */
function clientBasedCORS(_ctx, origin, client) {
  if (origin === "null") return false;
  const uris = [...(client.redirectUris ?? []), ...(client.postLogoutRedirectUris ?? [])];
  return uris.some((uri) => URL.parse(uri)?.origin === origin);
}

/**
 * Builds the configured provider (a Koa app; not yet listening).
 * @param {object} options
 * @param {string} options.issuer            e.g. "http://127.0.0.1:3000" (no trailing slash)
 * @param {object[]} options.clients         client metadata (clients.mjs)
 * @param {object} options.signingKey        private RSA JWK with kid (jwt.mjs)
 * @param {object} options.serviceAccountKey the service account's public JWK
 * @param {number} [options.deviceInterval] device polling interval in seconds (documented: 5)
 */
export async function createDevProvider({ issuer, clients, signingKey, serviceAccountKey, deviceInterval = 5 }) {
  const { default: Provider, errors } = await importQuietly();

  const provider = new Provider(issuer, {
    clients,
    findAccount,
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString("base64url"), randomBytes(32).toString("base64url")] },
    routes: ROUTES,
    ttl: TTL,
    scopes: ["openid", "offline_access", "profile", "email", "api:read", "api:write"],
    claims: {
      openid: ["sub"],
      profile: ["name", "preferred_username"],
      email: ["email", "email_verified"],
      sid: null,
      auth_time: null,
      acr: null,
    },
    responseTypes: ["code", "id_token token", "none"],
    // PKCE always; oidc-provider 9 only knows S256, and discovery says so.
    pkce: { required: () => true },
    clientBasedCORS,
    // provider-spec.md, "Grant types": only the authorization code grant returns refresh tokens,
    // and only for offline_access on a client allowed the refresh_token grant (not device sign-in).
    issueRefreshToken: async (_ctx, client, source) =>
      source.kind === "AuthorizationCode"
      && client.grantTypeAllowed("refresh_token")
      && source.scopes.has("offline_access"),
    rotateRefreshToken: true,
    features: {
      devInteractions: { enabled: true },
      deviceFlow: { enabled: true, charset: "base-20", mask: "******" },
      pushedAuthorizationRequests: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      clientCredentials: { enabled: true },
      // RFC 9449 with server nonces (§8, §9): every DPoP proof must carry the provider's newest
      // nonce, so the SDK's use_dpop_nonce retry runs in every DPoP test. Requests without a
      // proof are unaffected.
      dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true },
      // Two APIs with audience-restricted JWT access tokens (resources.mjs).
      resourceIndicators: resourceIndicators(errors),
    },
  });

  // oidc-provider's documented escape hatch for implicit-flow web clients on plain-http loopback
  // redirect URIs (its docs: "Allowing HTTP and/or localhost for implicit response type web clients").
  const { invalidate } = provider.Client.Schema.prototype;
  provider.Client.Schema.prototype.invalidate = function allowLoopbackImplicit(message, code) {
    if (code === "implicit-force-https" || code === "implicit-forbid-localhost") return;
    invalidate.call(this, message, code);
  };

  // provider-spec.md: a registered redirect URI with extra query parameters is allowed.
  allowRedirectQuery(provider);

  provider.registerGrantType(JWT_BEARER, jwtBearerGrant({ publicKey: serviceAccountKey, errors }), ["assertion", "scope"]);

  // Koa middleware run before oidc-provider's router, in this order.
  provider.use(statsMiddleware(ROUTES));
  provider.use(redirectProbeMiddleware(ROUTES));
  provider.use(exposeDate());
  provider.use(deviceAuthorizationAsDocumented(ROUTES, issuer, deviceInterval));
  provider.use(offlineAccessMeansConsent(ROUTES));
  provider.use(loginAsUrnMiddleware());

  return provider;
}

// oidc-provider prints a warning at import on Node 20 (it runs on 20.19+; 22 is its supported LTS),
// one notice per default helper in use, and one each about devInteractions and the in-memory
// adapter. All of those are expected here; other warnings still print.
const EXPECTED_NOTICES = [
  "Unsupported runtime",
  "function called, you SHOULD change it",
  "a quick start development-only feature devInteractions is enabled",
  "a quick start development-only in-memory adapter is used",
];

async function importQuietly() {
  for (const method of ["info", "warn"]) {
    const original = console[method];
    console[method] = (...args) => {
      const text = String(args[0]);
      if (text.includes("oidc-provider") && EXPECTED_NOTICES.some((notice) => text.includes(notice))) return;
      original.apply(console, args);
    };
  }
  return import("oidc-provider");
}
