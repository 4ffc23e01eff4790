// What a SPA imports from @azure/msal-browser to log in with code + PKCE (redirect flow).
export { PublicClientApplication } from "@azure/msal-browser";
