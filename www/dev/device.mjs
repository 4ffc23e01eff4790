// Device authorization (RFC 8628) as the real provider documents it (provider-spec.md, "Device flow"):
// - the response carries `interval` (oidc-provider leaves it out; RFC 8628 §3.2 defaults it to 5);
// - polling faster than the interval earns `slow_down` and 5 more seconds (RFC 8628 §3.5;
//   oidc-provider never sends slow_down itself);
// - the pre-filled verification page is `/auth/device?code=USER_CODE`, which here redirects to
//   oidc-provider's own page `/sc?user_code=USER_CODE`.

import { isFormPost, readForm } from "./request-body.mjs";

export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
export const PREFILLED_VERIFICATION_PATH = "/auth/device";
const SLOW_DOWN_STEP_SECONDS = 5;
// A poll that comes this much early is still on time (timer and network jitter).
const EARLY_TOLERANCE_MS = 500;
const FORGET_AFTER_MS = 15 * 60 * 1000;

/**
 * Koa middleware for the provider. `interval` is the polling interval in seconds
 * (5 as documented; DEVICE_POLL_INTERVAL can lower it for quick tests).
 */
export function deviceAuthorizationAsDocumented(routes, issuer, interval) {
  const polls = new Map(); // device_code → { at: ms of the last poll, interval: seconds }

  return async function deviceAsDocumented(ctx, next) {
    if (ctx.path === PREFILLED_VERIFICATION_PATH && ctx.method === "GET") {
      const target = new URL(routes.code_verification, `${issuer}/`);
      if (typeof ctx.query.code === "string") target.searchParams.set("user_code", ctx.query.code);
      ctx.redirect(target.href);
      return;
    }

    let deviceCode;
    if (ctx.path === routes.token && isFormPost(ctx)) {
      const form = await readForm(ctx);
      if (form.get("grant_type") === DEVICE_CODE_GRANT) deviceCode = form.get("device_code") ?? undefined;
    }

    await next();

    if (ctx.path === routes.device_authorization && ctx.method === "POST" && ctx.status === 200 && ctx.body?.device_code) {
      const complete = new URL(PREFILLED_VERIFICATION_PATH, `${issuer}/`);
      complete.searchParams.set("code", ctx.body.user_code);
      ctx.body = { ...ctx.body, verification_uri_complete: complete.href, interval };
    }

    if (deviceCode && ctx.body?.error === "authorization_pending") {
      const now = Date.now();
      const last = polls.get(deviceCode);
      const state = { at: now, interval: last?.interval ?? interval };
      if (last && now - last.at < last.interval * 1000 - EARLY_TOLERANCE_MS) {
        state.interval += SLOW_DOWN_STEP_SECONDS;
        ctx.body = {
          error: "slow_down",
          error_description: `polling too quickly: wait at least ${state.interval} s between requests`,
        };
      }
      polls.set(deviceCode, state);
      for (const [code, { at }] of polls) if (now - at > FORGET_AFTER_MS) polls.delete(code);
    }
  };
}
