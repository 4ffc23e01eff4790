// "Refresh in 4 tabs": the tab where the link is clicked opens three more tabs of the demo on
// localStorage, and all four call getAccessToken({ forceRefresh: true }) at the same whole second.
// The SDK lets one tab refresh (Web Locks) and hands the rotated token set to the others
// (BroadcastChannel), so the provider sees one refresh request and every tab ends with the same
// access token. Each tab reports what it got (a redacted prefix) on the demo's own channel.

import { redact } from "/view.js";

const CHANNEL = "wasm-oauth-demo:tabs";
const TABS = 4;
const LEAD_MS = 3000; // time for the new tabs to load the SDK before the shared moment
const LATE_MS = 1000;

const byId = (id) => document.getElementById(id);

function showTabs(text) {
  byId("tabs-output").textContent = text;
}

function summary(results) {
  const lines = [...results.entries()]
    .sort(([a], [b]) => a - b)
    .map(([tab, r]) => `tab ${tab}: ${r.token ?? r.code}`);
  const tokens = new Set([...results.values()].map((r) => r.token));
  let verdict = `${results.size} of ${TABS} tabs reported`;
  if (results.size === TABS) {
    verdict = tokens.size === 1 && !tokens.has(undefined)
      ? `all ${TABS} tabs hold the same new access token`
      : "the tabs disagree";
  }
  return `${lines.join(" · ")} — ${verdict}`;
}

/** Waits until `at` (ms since the epoch), then refreshes; resolves with what this tab got. */
async function refreshAt(auth, at) {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
  if (Date.now() > at + LATE_MS) return { code: "late" };
  try {
    return { token: redact(await auth.getAccessToken({ forceRefresh: true })) };
  } catch (error) {
    return { code: error?.code ?? "unexpected_error" };
  }
}

/**
 * Wires the link. `settings` are the page's (see settings.js); `logEvent` writes the events log.
 * A tab opened by the link (its query has refreshAt/round/tab) takes part in that round.
 */
export function setupTabs(auth, settings, logEvent) {
  const link = byId("four-tabs");
  const target = (extra = "") => `/?flow=${encodeURIComponent(settings.flow)}&storage=local${extra}`;
  link.href = target();
  if (settings.storage !== "local") {
    showTabs("Needs localStorage: the link switches this tab to it; log in there first.");
  }
  let channel;
  try {
    channel = new BroadcastChannel(CHANNEL);
  } catch {
    return;
  }
  let round;
  const results = new Map();
  channel.addEventListener("message", ({ data }) => {
    if (!round || data?.round !== round) return;
    results.set(data.tab, data);
    showTabs(summary(results));
  });

  const take = async (at, tab) => {
    const result = await refreshAt(auth, at);
    results.set(tab, { round, tab, ...result });
    channel.postMessage({ round, tab, ...result });
    showTabs(summary(results));
    logEvent(`tab ${tab} of ${TABS}: ${result.token ? `access token ${result.token}` : result.code}`);
  };

  link.addEventListener("click", (event) => {
    if (settings.storage !== "local") return; // follow the link: this tab switches to localStorage
    event.preventDefault();
    if (!auth.getTokens()) {
      showTabs("Log in first: the four tabs share this session.");
      return;
    }
    round = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    results.clear();
    const at = Math.ceil((Date.now() + LEAD_MS) / 1000) * 1000;
    let opened = 0;
    for (let tab = 2; tab <= TABS; tab += 1) {
      const url = target(`&refreshAt=${at}&round=${encodeURIComponent(round)}&tab=${tab}`);
      if (window.open(url, "_blank")) opened += 1;
    }
    showTabs(`Opened ${opened} more tab${opened === 1 ? "" : "s"}${opened < TABS - 1 ? " (allow pop-ups for the rest)" : ""}; all refresh at ${new Date(at).toLocaleTimeString()}…`);
    take(at, 1);
  });

  const query = new URLSearchParams(location.search);
  const at = Number(query.get("refreshAt"));
  const tab = Number(query.get("tab"));
  if (settings.storage === "local" && Number.isFinite(at) && at > 0 && tab >= 2 && tab <= TABS) {
    round = query.get("round") ?? "";
    showTabs(`Tab ${tab} of ${TABS}: refreshing at ${new Date(at).toLocaleTimeString()}…`);
    take(at, tab);
  }
}
