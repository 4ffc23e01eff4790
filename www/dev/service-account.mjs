// The service-token grant (provider-spec.md, "Service token"): a trusted service presents a JWT
// signed by its service-account key (RFC 7523 §2.1, grant_type jwt-bearer) and receives a
// ClientCredentials-style access token for a subset of the account's scopes.

import { randomUUID } from "node:crypto";
import { publicJwk, signRs256, verifyRs256 } from "./jwt.mjs";

export const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/** The one service account the dev provider knows. */
export const SERVICE_ACCOUNT = {
  id: "urn:xeonr:serviceaccount:test",
  scopes: ["api:read", "api:write"],
};

// Assertions must be short-lived (RFC 7523 §3 item 4 lets the server limit exp).
const MAX_ASSERTION_LIFETIME = 3600;
const CLOCK_TOLERANCE = 15;

/**
 * A signed assertion for the service account. Options let tests make broken ones:
 * `expiresIn` (seconds, may be negative), `audience`, `issuer`, `subject`, `extraClaims`.
 */
export function makeServiceAssertion(privateJwk, issuerUrl, options = {}) {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: options.issuer ?? SERVICE_ACCOUNT.id,
    sub: options.subject ?? SERVICE_ACCOUNT.id,
    aud: options.audience ?? issuerUrl,
    iat: now,
    exp: now + (options.expiresIn ?? 300),
    jti: randomUUID(),
    ...options.extraClaims,
  };
  return signRs256(payload, privateJwk);
}

/**
 * The token-endpoint handler for the jwt-bearer grant, for `provider.registerGrantType`.
 * `publicKey` is the service account's public JWK.
 */
export function jwtBearerGrant({ publicKey, errors }) {
  return async function jwtBearerHandler(ctx) {
    const { params, client, issuer, provider } = ctx.oidc;
    if (!params.assertion) throw new errors.InvalidRequest("missing required parameter 'assertion'");

    let payload;
    try {
      ({ payload } = verifyRs256(params.assertion, publicKey));
    } catch (cause) {
      throw invalidGrant(errors, cause.message);
    }
    checkAssertionClaims(payload, issuer, errors);

    const scope = grantedScope(params.scope, errors);
    const token = new provider.ClientCredentials({
      client,
      scope,
      extra: { sub: SERVICE_ACCOUNT.id },
    });
    ctx.oidc.entity("ClientCredentials", token);
    const accessToken = await token.save();
    ctx.body = {
      access_token: accessToken,
      token_type: token.tokenType,
      expires_in: token.expiration,
      scope,
    };
  };
}

// RFC 7523 §3: iss and sub name the account, aud names this server, exp is required.
function checkAssertionClaims(claims, issuer, errors) {
  const now = Math.floor(Date.now() / 1000);
  if (claims.iss !== SERVICE_ACCOUNT.id || claims.sub !== SERVICE_ACCOUNT.id) {
    throw invalidGrant(errors, "assertion iss/sub is not a known service account");
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(issuer)) throw invalidGrant(errors, "assertion aud must be the issuer");
  if (!Number.isInteger(claims.exp)) throw invalidGrant(errors, "assertion exp is required");
  if (claims.exp + CLOCK_TOLERANCE <= now) throw invalidGrant(errors, "assertion is expired");
  if (claims.exp - now > MAX_ASSERTION_LIFETIME) {
    throw invalidGrant(errors, "assertion lifetime is too long");
  }
  if (claims.nbf !== undefined && (!Number.isInteger(claims.nbf) || claims.nbf - CLOCK_TOLERANCE > now)) {
    throw invalidGrant(errors, "assertion is not yet valid");
  }
}

// oidc-provider's InvalidGrant keeps its own description and hides the detail; say what failed.
function invalidGrant(errors, description) {
  return Object.assign(new errors.InvalidGrant(description), { error_description: description });
}

// The requested scope must be a subset of the account's; none requested means all of them.
function grantedScope(requested, errors) {
  if (!requested) return SERVICE_ACCOUNT.scopes.join(" ");
  const scopes = [...new Set(requested.split(" ").filter(Boolean))];
  const unknown = scopes.filter((scope) => !SERVICE_ACCOUNT.scopes.includes(scope));
  if (unknown.length) throw new errors.InvalidScope("requested scope is not granted to the service account", unknown.join(" "));
  return scopes.join(" ");
}

/**
 * DEV ONLY Koa middleware: hands tests the service account's key and fresh assertions.
 *   GET /__dev/service-account    → { sub, scopes, publicJwk, privateJwk }
 *   GET /__dev/service-assertion  → { assertion }; query: expires_in, aud, iss, sub (to make bad ones)
 */
export function serviceAccountDevRoutes(privateJwk, issuerUrl) {
  return async function serviceAccountRoutes(ctx, next) {
    if (ctx.method !== "GET" || !ctx.path.startsWith("/__dev/service-")) return next();
    ctx.set("Cache-Control", "no-store");
    if (ctx.path === "/__dev/service-account") {
      ctx.body = { sub: SERVICE_ACCOUNT.id, scopes: SERVICE_ACCOUNT.scopes, publicJwk: publicJwk(privateJwk), privateJwk };
    } else if (ctx.path === "/__dev/service-assertion") {
      const { expires_in: expiresIn, aud, iss, sub } = ctx.query;
      const assertion = makeServiceAssertion(privateJwk, issuerUrl, {
        expiresIn: expiresIn === undefined ? undefined : Number(expiresIn),
        audience: aud,
        issuer: iss,
        subject: sub,
      });
      ctx.body = { assertion };
    } else {
      return next();
    }
  };
}
