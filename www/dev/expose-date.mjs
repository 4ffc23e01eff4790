// A cross-origin page can read a response's `Date` header only when the provider lists it in
// `Access-Control-Expose-Headers`; the SDK takes its clock offset to the provider from that
// header and from nothing else (never from a token's own `iat`). The real provider is asked to
// expose it (README, "Clock offset"); this middleware makes the dev provider do so wherever
// oidc-provider answers a CORS request, so a page whose clock is off by minutes still signs in.

/** Koa middleware: adds `Date` to the exposed headers of every CORS response. */
export function exposeDate() {
  return async function exposeDateHeader(ctx, next) {
    await next();
    if (!ctx.response.get("Access-Control-Allow-Origin")) return;
    const exposed = ctx.response.get("Access-Control-Expose-Headers");
    const names = exposed ? exposed.split(",").map((name) => name.trim().toLowerCase()) : [];
    if (!names.includes("date")) ctx.set("Access-Control-Expose-Headers", exposed ? `${exposed}, Date` : "Date");
  };
}
