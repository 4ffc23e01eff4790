// An app using useAuth: status, the signed-in user's subject, log in / log out, and a call that
// needs an access token. Plain JS with React.createElement (no JSX, no build step of its own).

import { createElement as h, useState } from "react";
import { useAuth } from "./useAuth.js";

/**
 * @param {{ config: import("wasm-oauth").AuthClientOptions }} props
 */
export function App({ config }) {
  const { ready, isAuthenticated, user, login, logout, getAccessToken, error } = useAuth(config);
  const [tokenInfo, setTokenInfo] = useState("—");

  const status = !ready ? "loading…" : isAuthenticated ? "signed in" : "signed out";
  const code = error && "code" in error ? error.code : error?.name;

  async function showToken() {
    const token = await getAccessToken();
    setTokenInfo(`an access token of ${token.length} characters`);
  }

  return h(
    "main",
    null,
    h("h1", null, "wasm-oauth + React"),
    h("p", null, "Status: ", h("strong", { id: "status" }, status)),
    h("p", null, "Subject: ", h("code", { id: "sub" }, user?.sub ?? "—")),
    error ? h("p", { id: "error", role: "alert" }, `${code}: ${error.message}`) : null,
    isAuthenticated
      ? h(
          "p",
          null,
          h("button", { id: "token", type: "button", onClick: () => void showToken() }, "Get access token"),
          " ",
          h("button", { id: "logout", type: "button", onClick: () => void logout() }, "Log out"),
        )
      : h("button", { id: "login", type: "button", disabled: !ready, onClick: () => void login() }, "Log in"),
    h("p", { id: "token-info" }, tokenInfo),
  );
}
