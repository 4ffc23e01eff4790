import { useState } from "react";
import { useAuth } from "wasm-oauth/react";

export default function App() {
  const { isLoading, isAuthenticated, user, error, login, logout, getAccessToken } = useAuth();
  const [tokenInfo, setTokenInfo] = useState("");

  async function showToken() {
    const token = await getAccessToken(); // refreshed first when under 30 s are left
    setTokenInfo(`an access token of ${token.length} characters`);
  }

  if (isLoading) return <p>Loading…</p>;
  return (
    <main>
      <p>
        Status: <strong id="status">{isAuthenticated ? "signed in" : "signed out"}</strong>
      </p>
      {error && (
        <p id="error" role="alert">
          {error.code}: {error.message}
        </p>
      )}
      {isAuthenticated ? (
        <>
          <p>
            Hello <span id="name">{user?.name ?? user?.preferred_username}</span> (<code id="sub">{user?.sub}</code>)
          </p>
          <button id="token" onClick={showToken}>Get an access token</button>{" "}
          <button id="logout" onClick={() => logout()}>Log out</button>
          <p id="token-info">{tokenInfo}</p>
        </>
      ) : (
        <button id="login" onClick={() => login()}>Log in</button>
      )}
    </main>
  );
}
