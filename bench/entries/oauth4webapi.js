// What a SPA imports from oauth4webapi to log in with code + PKCE against known endpoints
// (no discovery): PKCE, state, the authorization response check, the token request and its check.
export {
  generateRandomCodeVerifier,
  calculatePKCECodeChallenge,
  generateRandomState,
  validateAuthResponse,
  authorizationCodeGrantRequest,
  processAuthorizationCodeResponse,
  None,
} from "oauth4webapi";
