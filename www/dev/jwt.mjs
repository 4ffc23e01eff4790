// RS256 JSON Web Tokens with node:crypto alone (RFC 7515 compact serialisation, RFC 7518 §3.3).
// Used for the dev provider's signing key and for the service account's assertions.

import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";

const b64url = (input) => Buffer.from(input).toString("base64url");
const json = (value) => b64url(JSON.stringify(value));

/** A fresh RSA key pair as a private JWK with `kid`, `alg: RS256`, `use: sig`. */
export function generateRsaJwk() {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = privateKey.export({ format: "jwk" });
  // RFC 7638 thumbprint as the key id: stable for the key, opaque for clients.
  const thumbprint = createHash("sha256")
    .update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n }))
    .digest("base64url");
  return { ...jwk, kid: thumbprint, alg: "RS256", use: "sig" };
}

/** The public half of a private RSA JWK. */
export function publicJwk({ kty, n, e, kid, alg, use }) {
  return { kty, n, e, kid, alg, use };
}

/** Signs `payload` with a private RSA JWK; the header names the key's `kid`. */
export function signRs256(payload, privateJwk, header = {}) {
  const key = createPrivateKey({ key: privateJwk, format: "jwk" });
  const signingInput = `${json({ alg: "RS256", typ: "JWT", kid: privateJwk.kid, ...header })}.${json(payload)}`;
  const signature = sign("sha256", Buffer.from(signingInput), key);
  return `${signingInput}.${b64url(signature)}`;
}

/**
 * Checks an RS256 JWT's signature against a public JWK and returns `{ header, payload }`.
 * Throws an Error with a human message for anything malformed, any other `alg`, or a bad signature.
 * Claims (exp, aud, ...) are the caller's to check.
 */
export function verifyRs256(token, jwk) {
  if (typeof token !== "string") throw new Error("assertion must be a string");
  const parts = token.split(".");
  if (parts.length !== 3) throw new Error("assertion is not a compact JWS");
  let header;
  let payload;
  try {
    header = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8"));
    payload = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
  } catch {
    throw new Error("assertion header or payload is not JSON");
  }
  // Only RS256 is ever valid here; anything else (none, HS256 with the public key...) is an attack.
  if (header?.alg !== "RS256") throw new Error("assertion alg must be RS256");
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
    throw new Error("assertion payload must be a JSON object");
  }
  const key = createPublicKey({ key: publicJwk(jwk), format: "jwk" });
  const ok = verify("sha256", Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2], "base64url"));
  if (!ok) throw new Error("assertion signature is invalid");
  return { header, payload };
}
