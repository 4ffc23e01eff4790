// The fake issuer's answers, shared by the local HTTPS issuer (bench/servers.mjs, in Node) and
// the in-page instant network of the CPU phase (bench/page/harness.js): discovery, JWKS, and token
// responses whose JWTs are really signed (RS256, WebCrypto) so that any SDK that checks a
// signature can. Works unchanged in Node >= 20 and in the browser (globalThis.crypto, btoa).

const enc = new TextEncoder();

function b64u(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
const b64uJson = (value) => b64u(enc.encode(JSON.stringify(value)));

function unb64u(text) {
  const s = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

export const KID = "bench-rs256";
export const SUBJECT = "bench-user-1";

/** A new RS256 key pair; returns { privateJwk, publicJwk } (the private one is handed to the page). */
export async function generateKeys() {
  const pair = await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  );
  const privateJwk = await crypto.subtle.exportKey("jwk", pair.privateKey);
  const publicJwk = await crypto.subtle.exportKey("jwk", pair.publicKey);
  return { privateJwk, publicJwk: { kty: publicJwk.kty, n: publicJwk.n, e: publicJwk.e, alg: "RS256", use: "sig", kid: KID } };
}

export function importSigningKey(privateJwk) {
  return crypto.subtle.importKey("jwk", privateJwk, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]);
}

export async function signJwt(key, claims) {
  const input = `${b64uJson({ alg: "RS256", typ: "JWT", kid: KID })}.${b64uJson(claims)}`;
  const signature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, enc.encode(input));
  return `${input}.${b64u(new Uint8Array(signature))}`;
}

/**
 * The authorization code the fake authorization server "issues": it carries the nonce and scope
 * of the authorization request, so the stateless token endpoint can put them in its tokens.
 */
export function encodeCode({ nonce, scope }) {
  return b64uJson({ n: nonce ?? null, s: scope ?? null });
}
export function decodeCode(code) {
  try {
    const { n, s } = JSON.parse(new TextDecoder().decode(unb64u(code)));
    return { nonce: n ?? undefined, scope: s ?? undefined };
  } catch {
    return {};
  }
}

/**
 * A token endpoint response body (JSON text): a signed JWT access token, and a signed ID token
 * with iss/aud/nonce when `idToken` is set (for the SDKs that always ask for `openid`).
 */
export async function tokenResponseBody(key, { iss, aud, nonce, scope, idToken }) {
  const now = Math.floor(Date.now() / 1000);
  const jti = b64u(crypto.getRandomValues(new Uint8Array(12)));
  const body = {
    access_token: await signJwt(key, {
      iss, sub: SUBJECT, aud, client_id: aud, azp: aud, scope: scope ?? "api", iat: now, exp: now + 3600, jti,
    }),
    token_type: "Bearer",
    expires_in: 3600,
    scope: scope ?? "api",
  };
  if (idToken) {
    body.id_token = await signJwt(key, {
      iss, sub: SUBJECT, aud, azp: aud, iat: now, exp: now + 3600, auth_time: now, nonce,
      name: "Bench User", preferred_username: "bench", email: "bench@example.invalid", tid: "bench", oid: SUBJECT, ver: "2.0",
    });
  }
  return JSON.stringify(body);
}

/** The discovery document of an issuer whose endpoints all live under it. */
export function discoveryDocument(issuer) {
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    jwks_uri: `${issuer}/jwks`,
    end_session_endpoint: `${issuer}/logout`,
    revocation_endpoint: `${issuer}/revoke`,
    response_types_supported: ["code"],
    response_modes_supported: ["query", "fragment"],
    grant_types_supported: ["authorization_code", "refresh_token"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    token_endpoint_auth_methods_supported: ["none"],
    code_challenge_methods_supported: ["S256"],
    scopes_supported: ["openid", "profile", "email", "offline_access", "api"],
    claims_supported: ["sub", "iss", "aud", "exp", "iat", "nonce", "name", "email"],
  };
}

/** What kind of issuer endpoint a path is (the fake issuer answers by suffix). */
export function endpointKind(pathname) {
  if (pathname.endsWith("/.well-known/openid-configuration")) return "discovery";
  if (/\/(jwks|keys|certs|jwks\.json)$/.test(pathname)) return "jwks";
  if (/token$/.test(pathname)) return "token";
  if (/userinfo$/.test(pathname)) return "userinfo";
  return "other";
}

/**
 * The redirect back that the fake authorization server would send for `authorizeUrl`: its
 * redirect_uri with a code (carrying the request's nonce and scope) and the state, in the query or
 * the fragment as the request's response_mode asks (query when absent).
 */
export function callbackFor(authorizeUrl) {
  const params = new URL(authorizeUrl).searchParams;
  const state = params.get("state") ?? undefined;
  const nonce = params.get("nonce") ?? undefined;
  const scope = params.get("scope") ?? undefined;
  const mode = params.get("response_mode") ?? "query";
  const response = new URLSearchParams({ code: encodeCode({ nonce, scope }), state });
  const redirect = new URL(params.get("redirect_uri"));
  if (mode === "fragment") redirect.hash = response.toString();
  else for (const [k, v] of response) redirect.searchParams.append(k, v);
  return { url: redirect.href, state, nonce, scope, mode, pkce: params.get("code_challenge_method") };
}
