// What a SPA imports from keycloak-js to log in with code + PKCE.
export { default as Keycloak } from "keycloak-js";
