// A provider endpoint gone wrong, for the tests: `/__dev/redirect-to-token` answers every request
// with a 307 to the real token endpoint, as a compromised or misconfigured provider might. A 307
// makes a client that follows redirects re-POST its body (code_verifier, refresh_token) to the
// Location; the SDK must refuse it instead. The token endpoint's count in /__dev/stats shows
// whether anything arrived there.

export const REDIRECT_PROBE = "/__dev/redirect-to-token";

/** Koa middleware for the provider. */
export function redirectProbeMiddleware(routes) {
  return async (ctx, next) => {
    if (ctx.path !== REDIRECT_PROBE) return next();
    ctx.set("Access-Control-Allow-Origin", "*");
    ctx.status = 307;
    ctx.set("Location", routes.token);
  };
}
