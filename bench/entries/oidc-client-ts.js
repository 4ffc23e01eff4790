// What a SPA imports from oidc-client-ts to log in with code + PKCE (UserManager: redirect flow,
// user storage, events; OidcClient is part of it).
export { UserManager } from "oidc-client-ts";
