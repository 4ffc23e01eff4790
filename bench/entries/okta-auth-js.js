// What a SPA imports from @okta/okta-auth-js (its default, full build) to log in with code + PKCE.
export { OktaAuth } from "@okta/okta-auth-js";
