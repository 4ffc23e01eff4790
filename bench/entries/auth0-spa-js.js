// What a SPA imports from @auth0/auth0-spa-js to log in with code + PKCE (redirect flow).
export { createAuth0Client } from "@auth0/auth0-spa-js";
