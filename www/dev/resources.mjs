// Two APIs (resource servers, RFC 8707) the dev provider issues audience-restricted access tokens
// for, so `getAccessToken({ resource, scope })` is tested against a real provider. A token for one
// is an RS256 JWT whose `aud` is that API's indicator, with that API's own scopes and lifetime.
// A request that names no resource gets what it got before: the opaque token userinfo takes.
//
// oidc-provider (features.resourceIndicators) checks a refresh request's `resource` against the
// resources of the grant, so an app names them (and their scopes) at login too:
//   loginWithRedirect({ resource: [API_A, API_B], scope: "openid offline_access a:read b:read" })

export const API_A = "urn:wasm-oauth:api-a";
export const API_B = "urn:wasm-oauth:api-b";

export const RESOURCE_SERVERS = {
  [API_A]: { scope: "a:read a:write", accessTokenTTL: 600 },
  [API_B]: { scope: "b:read", accessTokenTTL: 1200 },
};

/** oidc-provider's `features.resourceIndicators` for these APIs; `errors` is its error classes. */
export function resourceIndicators(errors) {
  return {
    enabled: true,
    // No resource named (or several granted and none named): no API, the default token.
    defaultResource: () => undefined,
    // A token request that names no resource never gets one of the grant's APIs by itself.
    useGrantedResource: () => false,
    getResourceServerInfo(_ctx, indicator) {
      const server = RESOURCE_SERVERS[indicator];
      if (!server) throw new errors.InvalidTarget("unknown resource indicator");
      return { ...server, audience: indicator, accessTokenFormat: "jwt", jwt: { sign: { alg: "RS256" } } };
    },
  };
}
