// The demo's `logger` (the "SDK log" setting): every line the SDK logs, kept in this tab's
// sessionStorage so the lines from before the provider's redirect survive it, shown in the
// event log, and readable as `window.__logs` (the end-to-end tests scan them for secrets).

const KEY = "wasm-oauth-demo:log";
// A long session must not fill sessionStorage: the newest lines are kept.
const MAX_LINES = 500;

function saved() {
  try {
    const lines = JSON.parse(sessionStorage.getItem(KEY) ?? "[]");
    return Array.isArray(lines) ? lines : [];
  } catch {
    return [];
  }
}

/** A logger that records each line and hands it to `show(text)`. */
export function demoLogger(show) {
  window.__logs = saved();
  return (level, message, fields) => {
    window.__logs.push({ level, message, fields });
    window.__logs.splice(0, Math.max(0, window.__logs.length - MAX_LINES));
    try {
      sessionStorage.setItem(KEY, JSON.stringify(window.__logs));
    } catch {
      // Without sessionStorage the lines live as long as the page.
    }
    const detail = Object.entries(fields).map(([name, value]) => `${name}=${value}`).join(" ");
    show(`${level}: ${message}${detail ? ` (${detail})` : ""}`);
  };
}
