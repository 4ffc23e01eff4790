// DEV ONLY: request counters on the dev provider, so end-to-end tests can assert how many token,
// refresh, revocation, PAR, device and userinfo requests the SDK really sent.
//   GET  /__dev/stats        → the counts as JSON (format below)
//   POST /__dev/stats/reset  → zeroes them (204)
// Nothing like this exists on the real provider; tests call it from Node, never from the page.

import { isFormPost, readForm } from "./request-body.mjs";

const LOG_LIMIT = 500;

function emptyStats() {
  return {
    token: {}, // grant_type → requests
    tokenErrors: {}, // grant_type → responses with status >= 400
    authorization: 0,
    par: 0,
    deviceAuthorization: 0,
    revocation: 0,
    userinfo: 0,
    endSession: 0,
    log: [], // the last 500 counted requests: { at, endpoint, grantType?, status, error? }
  };
}

/**
 * Koa middleware for the provider: counts requests to the endpoints in `routes` (oidc-provider's
 * route map) and serves /__dev/stats. CORS preflights are not counted.
 */
export function statsMiddleware(routes) {
  let stats = emptyStats();
  const endpointByPath = new Map([
    [routes.token, "token"],
    [routes.authorization, "authorization"],
    [routes.pushed_authorization_request, "par"],
    [routes.device_authorization, "deviceAuthorization"],
    [routes.revocation, "revocation"],
    [routes.userinfo, "userinfo"],
    [routes.end_session, "endSession"],
  ]);

  return async function countRequests(ctx, next) {
    if (ctx.path === "/__dev/stats" && ctx.method === "GET") {
      ctx.set("Cache-Control", "no-store");
      ctx.body = stats;
      return;
    }
    if (ctx.path === "/__dev/stats/reset" && ctx.method === "POST") {
      stats = emptyStats();
      ctx.status = 204;
      return;
    }

    const endpoint = endpointByPath.get(ctx.path);
    if (!endpoint || ctx.method === "OPTIONS") return next();

    let grantType;
    if (endpoint === "token" && isFormPost(ctx)) {
      grantType = (await readForm(ctx)).get("grant_type") ?? "(none)";
    }

    try {
      await next();
    } finally {
      record(stats, endpoint, grantType, ctx);
    }
  };
}

function record(stats, endpoint, grantType, ctx) {
  const status = ctx.status;
  const error = typeof ctx.body?.error === "string" ? ctx.body.error : undefined;
  if (endpoint === "token") {
    const key = grantType ?? "(none)";
    stats.token[key] = (stats.token[key] ?? 0) + 1;
    if (status >= 400) stats.tokenErrors[key] = (stats.tokenErrors[key] ?? 0) + 1;
  } else {
    stats[endpoint] += 1;
  }
  stats.log.push({ at: Date.now(), endpoint, ...(grantType && { grantType }), status, ...(error && { error }) });
  if (stats.log.length > LOG_LIMIT) stats.log.shift();
}
