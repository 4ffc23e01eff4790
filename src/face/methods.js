// AuthClient's methods are one .wasm export, `__call(method, a, b)`: one
// binding instead of seventeen (size). This puts each on the prototype under
// its name. The order is the numbering of `AuthClient::call` in
// src/face/mod.rs; scripts/package.mjs copies this file into pkg/, and the
// package test checks every name against the TypeScript declarations.
const METHODS = [
  "buildAuthorizeUrl",
  "loginWithRedirect",
  "loginWithImplicit",
  "loginWithPopup",
  "isCallback",
  "on",
  "startDeviceAuthorization",
  "pollDeviceToken",
  "clientCredentials",
  "exchangeServiceToken",
  "handleRedirectCallback",
  "getAccessToken",
  "getTokens",
  "getIdTokenClaims",
  "isAuthenticated",
  "getUser",
  "logout",
];

export function nameMethods(AuthClient) {
  METHODS.forEach((name, i) => {
    // Like a class method: not enumerable, and `name` reads as written.
    Object.defineProperty(AuthClient.prototype, name, {
      value: { [name](a, b) { return this.__call(i, a, b); } }[name],
      writable: true,
      configurable: true,
    });
  });
  return AuthClient;
}
