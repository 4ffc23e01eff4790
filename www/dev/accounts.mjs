// Dev accounts: any login is a user whose subject is the opaque URN the real provider uses
// (provider-spec.md, "Tokens": sub is urn:xeonr:user:...).

import { isFormPost, readForm, replaceForm } from "./request-body.mjs";

export const USER_PREFIX = "urn:xeonr:user:";

/** The subject for a login typed into the dev login form. */
export function subjectForLogin(login) {
  return login.startsWith(USER_PREFIX) ? login : `${USER_PREFIX}${login}`;
}

/** oidc-provider's `findAccount`: every subject exists; claims are made up from the login. */
export async function findAccount(_ctx, sub) {
  const login = sub.startsWith(USER_PREFIX) ? sub.slice(USER_PREFIX.length) : sub;
  return {
    accountId: sub,
    async claims() {
      return {
        sub,
        name: login.charAt(0).toUpperCase() + login.slice(1),
        preferred_username: login,
        email: `${login}@example.test`,
        email_verified: true,
      };
    },
  };
}

/**
 * Koa middleware: the devInteractions login form posts `login=<whatever was typed>` and
 * oidc-provider uses it as the account id (the `sub`). Rewrite it to the URN before it lands.
 */
export function loginAsUrnMiddleware() {
  return async function loginAsUrn(ctx, next) {
    if (!ctx.path.startsWith("/interaction/") || !isFormPost(ctx)) return next();
    const form = await readForm(ctx);
    if (form.get("prompt") === "login" && form.get("login")) {
      form.set("login", subjectForLogin(form.get("login")));
      replaceForm(ctx, form);
    }
    return next();
  };
}
