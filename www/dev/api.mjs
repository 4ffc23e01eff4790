// The demo's protected API, `GET /api/v1/me`, served beside the demo (127.0.0.1 only) and called
// by the page through `auth.fetch`. It accepts the dev provider's access tokens (looked up in the
// provider's own store: they are opaque) and, for a DPoP-bound token (RFC 9449 §7), checks the
// proof with jose: signature by the embedded ES256 key, `typ`, age, `htm`/`htu`, `ath`, the key's
// thumbprint against the token's `jkt`, a nonce this API issued (§9), and no `jti` seen before.

import { createHash, randomBytes } from "node:crypto";
import { EmbeddedJWK, calculateJwkThumbprint, jwtVerify } from "jose";

export const API_PATH = "/api/v1/me";
/** How old a proof may be, in seconds (and how long its `jti` is remembered). */
const PROOF_MAX_AGE_S = 300;
/** A nonce is good for two rotations. */
const NONCE_ROTATION_MS = 60_000;

const ath = (token) => createHash("sha256").update(token).digest("base64url");

/**
 * The API's request handler for the demo server at `origin`: `(req, send)` where `send(status,
 * body, headers)` writes the answer. `provider` is the dev provider (oidc-provider).
 */
export function protectedApi({ provider, origin }) {
  const seen = new Map(); // jti -> when it may be forgotten (ms)
  let nonces = [randomBytes(16).toString("base64url")];
  let rotatedAt = Date.now();
  const currentNonce = () => {
    if (Date.now() - rotatedAt > NONCE_ROTATION_MS) {
      nonces = [randomBytes(16).toString("base64url"), nonces[0]];
      rotatedAt = Date.now();
    }
    return nonces[0];
  };
  const rememberJti = (jti) => {
    const now = Date.now();
    for (const [old, until] of seen) if (until < now) seen.delete(old);
    if (seen.has(jti)) return false;
    seen.set(jti, now + PROOF_MAX_AGE_S * 1000);
    return true;
  };

  return async function handleApi(req, send) {
    const json = { "Content-Type": "application/json", "DPoP-Nonce": currentNonce() };
    const refuse = (scheme, error, description) => send(401, JSON.stringify({ error, error_description: description }), {
      ...json,
      "WWW-Authenticate": `${scheme} error="${error}", error_description="${description}"${scheme === "DPoP" ? ', algs="ES256"' : ""}`,
    });
    const [scheme = "", token] = (req.headers.authorization ?? "").split(" ");
    const challengeScheme = scheme === "DPoP" ? "DPoP" : "Bearer";
    if (!token) return refuse("Bearer", "invalid_token", "no access token");
    const accessToken = await provider.AccessToken.find(token);
    if (!accessToken || accessToken.isExpired) return refuse(challengeScheme, "invalid_token", "the access token is unknown or expired");

    if (accessToken.jkt) {
      if (scheme !== "DPoP") return refuse("DPoP", "invalid_token", "a DPoP-bound token goes with the DPoP scheme and a proof");
      const proof = req.headers.dpop;
      if (typeof proof !== "string") return refuse("DPoP", "invalid_dpop_proof", "no DPoP proof");
      let verified;
      try {
        verified = await jwtVerify(proof, EmbeddedJWK, {
          typ: "dpop+jwt",
          algorithms: ["ES256"],
          maxTokenAge: PROOF_MAX_AGE_S,
          clockTolerance: 5,
        });
      } catch {
        return refuse("DPoP", "invalid_dpop_proof", "the proof's signature, type or age does not check");
      }
      const { payload, protectedHeader } = verified;
      const { pathname } = new URL(req.url ?? "/", origin);
      if (payload.htm !== req.method || payload.htu !== `${origin}${pathname}`) {
        return refuse("DPoP", "invalid_dpop_proof", "htm or htu is not this request");
      }
      if (payload.ath !== ath(token)) return refuse("DPoP", "invalid_dpop_proof", "ath is not the access token's hash");
      if ((await calculateJwkThumbprint(protectedHeader.jwk)) !== accessToken.jkt) {
        return refuse("DPoP", "invalid_token", "the token is bound to another key");
      }
      if (!nonces.includes(payload.nonce)) return refuse("DPoP", "use_dpop_nonce", "a nonce from this API is required");
      if (typeof payload.jti !== "string" || !rememberJti(payload.jti)) {
        return refuse("DPoP", "invalid_dpop_proof", "the proof was used before");
      }
    } else if (scheme !== "Bearer") {
      return refuse("Bearer", "invalid_token", "a bearer token goes with the Bearer scheme");
    }

    return send(200, JSON.stringify({
      sub: accessToken.accountId,
      clientId: accessToken.clientId,
      scope: accessToken.scope,
      tokenType: accessToken.jkt ? "DPoP" : "Bearer",
    }), json);
  };
}
