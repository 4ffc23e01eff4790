// The page tests/react/strict-mode.test.mjs drives, in React 19 StrictMode (development: every
// effect runs twice). localStorage.fixture picks what it shows:
//   "providers"  (default) two <AuthProvider>s with the same options, one of them remountable
//   "quickstart" the README's Quick start pasted into a useEffect (src/quickstart.tsx, written by
//                the test from the README)
import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";
import type { AuthClientOptions } from "wasm-oauth";
import { AuthProvider, useAuth } from "wasm-oauth/react";

declare global {
  interface Window {
    /** Which provider's onRedirectCallback ran, in order. */
    __redirects: string[];
  }
}
window.__redirects = [];

const options: AuthClientOptions = {
  clientId: import.meta.env.VITE_OAUTH_CLIENT_ID,
  issuer: import.meta.env.VITE_OAUTH_ISSUER,
  redirectUri: window.location.origin + "/",
  scope: "openid profile email offline_access",
};

function Session({ name }: { name: string }) {
  const { isLoading, isAuthenticated, user, error, login, logout } = useAuth();
  return (
    <section id={name}>
      <span className="status">{isLoading ? "loading" : isAuthenticated ? "signed in" : "signed out"}</span>{" "}
      <span className="sub">{user?.sub ?? ""}</span>{" "}
      <span className="error">{error ? `${error.code}: ${error.message}` : ""}</span>{" "}
      <button className="login" onClick={() => login()}>Log in</button>{" "}
      <button className="logout" onClick={() => logout()}>Log out</button>
    </section>
  );
}

function Providers() {
  const [generation, setGeneration] = useState(0);
  return (
    <>
      <button id="remount" onClick={() => setGeneration((g) => g + 1)}>Remount A</button>
      <AuthProvider
        key={generation}
        options={options}
        onRedirectCallback={(appState) => {
          window.__redirects.push("a");
          const returnTo = (appState as { returnTo?: string } | undefined)?.returnTo;
          if (returnTo) history.replaceState(null, "", returnTo);
        }}
      >
        <Session name="a" />
      </AuthProvider>
      <AuthProvider options={{ ...options }} onRedirectCallback={() => window.__redirects.push("b")}>
        <Session name="b" />
      </AuthProvider>
    </>
  );
}

const fixture = localStorage.getItem("fixture") ?? "providers";
const { QuickStart } = fixture === "quickstart" ? await import("./quickstart.tsx") : { QuickStart: () => null };

createRoot(document.getElementById("root")!).render(
  <StrictMode>{fixture === "quickstart" ? <QuickStart /> : <Providers />}</StrictMode>,
);
