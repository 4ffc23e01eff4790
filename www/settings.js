// The demo's choices (flow, storage, end-session, DPoP, SDK log) live in the address bar's query and in
// sessionStorage: the query wins (links such as "/?storage=local" work), sessionStorage carries
// them across the provider's redirect (the registered redirect URI has no query), and
// appState.returnTo puts them back into the address bar after the callback.

const KEY = "wasm-oauth-demo:settings";

export const FLOWS = {
  code: "Authorization code + PKCE (S256), by redirect.",
  par: "Authorization code + PKCE, pushed first to the PAR endpoint (RFC 9126): the browser's request carries only client_id and request_uri.",
  implicit: "Legacy implicit (response_type \"id_token token\"): tokens come back in the fragment, which is scrubbed; never a refresh token.",
  popup: "Authorization code + PKCE in a popup window: this page never navigates away.",
};

export const STORAGES = {
  session: "sessionStorage: this tab only, survives reloads.",
  local: "localStorage: shared by every tab of this origin; refreshes are coordinated across tabs.",
  memory: "Memory: this page only, gone on reload.",
  custom: "Your own store: an IndexedDB object store whose methods return promises (www/idb-store.js), loaded when the page starts.",
};

/** The settings this page runs with. */
export function readSettings(location = window.location) {
  const query = new URLSearchParams(location.search);
  let saved = {};
  try {
    saved = JSON.parse(sessionStorage.getItem(KEY) ?? "{}") ?? {};
  } catch {
    saved = {};
  }
  const pick = (name, allowed, fallback) => {
    const value = query.get(name) ?? saved[name];
    return allowed.includes(value) ? value : fallback;
  };
  return {
    flow: pick("flow", Object.keys(FLOWS), "code"),
    storage: pick("storage", Object.keys(STORAGES), "session"),
    endSession: pick("endSession", ["0", "1"], "0"),
    dpop: pick("dpop", ["0", "1"], "0"),
    log: pick("log", ["0", "1"], "0"),
  };
}

/** Remembers `settings` for this tab (best effort: storage may be blocked). */
export function saveSettings(settings) {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(settings));
  } catch {
    // Without sessionStorage the query alone carries the settings.
  }
}

/** `path?query` of this page with the settings in the query; other parameters are kept. */
export function pathWithSettings(settings, location = window.location, drop = []) {
  const query = new URLSearchParams(location.search);
  for (const name of drop) query.delete(name);
  query.set("flow", settings.flow);
  query.set("storage", settings.storage);
  if (settings.endSession === "1") query.set("endSession", "1");
  else query.delete("endSession");
  if (settings.dpop === "1") query.set("dpop", "1");
  else query.delete("dpop");
  if (settings.log === "1") query.set("log", "1");
  else query.delete("log");
  return `${location.pathname}?${query}`;
}
