import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import type { AuthClientOptions } from "wasm-oauth";
import { AuthProvider } from "wasm-oauth/react";
import App from "./App.tsx";

const options: AuthClientOptions = {
  clientId: import.meta.env.VITE_OAUTH_CLIENT_ID,
  issuer: import.meta.env.VITE_OAUTH_ISSUER, // unset: Xeonr Auth, https://auth.xeonr.io
  redirectUri: window.location.origin + "/", // exactly as registered at the provider
  scope: "openid profile email offline_access", // offline_access: a refresh token
};

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <AuthProvider options={options}>
      <App />
    </AuthProvider>
  </StrictMode>,
);
