// The RS256 check's JavaScript half (src/browser/crypto.rs): WebCrypto's
// importKey + verify in one call. Resolves to 1 (valid), 0 (not valid),
// -1 (the JWK cannot be imported as an RS256 key) or -2 (no WebCrypto here).
// Never rejects.
const RSASSA = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };

export async function verifyRs256(n, e, signature, data) {
  // The arrays are views into the .wasm memory, valid only during this call: copy them now.
  signature = signature.slice();
  data = data.slice();
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return -2;
  let key;
  try {
    key = await subtle.importKey("jwk", { kty: "RSA", n, e, alg: "RS256", ext: true }, RSASSA, false, ["verify"]);
  } catch {
    return -1;
  }
  try {
    return (await subtle.verify(RSASSA, key, signature, data)) ? 1 : 0;
  } catch {
    return -2;
  }
}
