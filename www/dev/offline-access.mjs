// The real provider issues refresh tokens whenever `offline_access` is asked for (provider-spec.md,
// "Grant types"). oidc-provider follows OIDC Core §11 instead and drops `offline_access` unless
// `prompt` contains `consent` (lib/actions/authorization/scopes.js). This middleware makes the dev
// provider behave like the real one: an authorization request (query or pushed) that asks for
// `offline_access` is treated as asking for consent too, unless it says `prompt=none`.

import { isFormPost, readForm, replaceForm } from "./request-body.mjs";

/** The prompt value to use for a request with this `scope` and `prompt` (undefined: unchanged). */
export function promptWithConsent(scope, prompt) {
  // Duplicated parameters arrive as arrays: leave those for oidc-provider to reject.
  if (typeof scope !== "string" || !scope.split(" ").includes("offline_access")) return undefined;
  if (prompt !== undefined && prompt !== null && typeof prompt !== "string") return undefined;
  const prompts = new Set(prompt ? prompt.split(" ").filter(Boolean) : []);
  if (prompts.has("none") || prompts.has("consent")) return undefined;
  prompts.add("consent");
  return [...prompts].join(" ");
}

/** Koa middleware for the authorization endpoint (GET query) and the PAR endpoint (POST form). */
export function offlineAccessMeansConsent(routes) {
  return async function offlineAccessConsent(ctx, next) {
    if (ctx.path === routes.authorization && ctx.method === "GET") {
      const prompt = promptWithConsent(ctx.query.scope, ctx.query.prompt);
      if (prompt) ctx.query = { ...ctx.query, prompt };
    } else if (ctx.path === routes.pushed_authorization_request && isFormPost(ctx)) {
      const form = await readForm(ctx);
      const prompt = promptWithConsent(form.get("scope"), form.get("prompt"));
      if (prompt) {
        form.set("prompt", prompt);
        replaceForm(ctx, form);
      }
    }
    return next();
  };
}
