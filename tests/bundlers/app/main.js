// The smallest app a developer writes with wasm-oauth, as the package's README shows it: the same
// source is built by Vite, webpack and esbuild, and loaded unbundled through an import map.
import init, { AuthClient } from "wasm-oauth";

const byId = (id) => document.getElementById(id);

function showError(error) {
  byId("error").textContent = `${error?.code ?? error?.name ?? "error"}: ${error?.message ?? error}`;
}

async function main() {
  await init();
  const config = await (await fetch("/config.json")).json();
  const auth = new AuthClient({
    clientId: config.clientId,
    redirectUri: config.redirectUri,
    issuer: config.issuer,
    scope: config.scope,
  });

  if (auth.isCallback()) {
    try {
      await auth.handleRedirectCallback();
    } catch (error) {
      showError(error);
    }
  }

  byId("login").addEventListener("click", () => auth.loginWithRedirect().catch(showError));

  if (auth.isAuthenticated()) {
    const user = await auth.getUser();
    byId("sub").textContent = user.sub;
    byId("status").textContent = "signed in";
  } else {
    byId("status").textContent = "signed out";
  }
  document.documentElement.dataset.ready = "true";
}

main().catch((error) => {
  showError(error);
  document.documentElement.dataset.ready = "failed";
});
