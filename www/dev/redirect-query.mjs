// The real provider matches a redirect URI on scheme, host and path and allows extra query
// parameters (provider-spec.md, "Limits": "the base must be pre-registered"); oidc-provider
// compares the whole URI. This makes the dev provider accept, like the real one, a registered
// redirect URI (without a query or fragment of its own) followed by a query: how an app gives its
// one redirect URI a second use, such as silent sign-in's answer (`silentRedirectUri`).

/** True when `value` is `registered` plus a query (no fragment), and `registered` has neither. */
export function isRegisteredWithQuery(value, registered) {
  const url = URL.parse(value);
  const base = URL.parse(registered);
  if (!url || !base || url.hash || !url.search || base.search || base.hash) return false;
  return `${url.origin}${url.pathname}` === base.href;
}

/** Widens the provider's redirect URI check (the Client class of `provider`) to the rule above. */
export function allowRedirectQuery(provider) {
  const { redirectUriAllowed } = provider.Client.prototype;
  provider.Client.prototype.redirectUriAllowed = function redirectUriWithQuery(value) {
    return redirectUriAllowed.call(this, value)
      || (typeof value === "string" && this.redirectUris.some((registered) => isRegisteredWithQuery(value, registered)));
  };
}
