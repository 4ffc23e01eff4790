// AuthClient's methods reach the .wasm through one export, `__call(n, a, b)`, and
// src/face/methods.js names them on the prototype (size: one binding instead of
// seventeen). A name missing from that list, or one the TypeScript declarations
// do not know, would be a method apps cannot call or a type that lies; a list out
// of order calls the wrong method (the SSR and e2e tests call each by name).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

test("every AuthClient method is on the prototype, typed, and dispatched by its own number", async () => {
  const { default: init, AuthClient, AuthError } = await import(`${ROOT}pkg/index.js`);
  await init({ module_or_path: readFileSync(`${ROOT}pkg/wasm_oauth_bg.wasm`) });

  // The declared methods: the interface in src/face/types.d.ts, as shipped.
  const dts = readFileSync(`${ROOT}pkg/wasm_oauth.d.ts`, "utf8");
  const iface = dts.match(/export interface AuthClient \{([\s\S]*?)\n\}/)[1];
  const declared = [...iface.matchAll(/^\s+(\w+)[<(]/gm)].map((m) => m[1]).sort();

  const proto = Object.getOwnPropertyNames(AuthClient.prototype)
    .filter((n) => !["constructor", "free", "__call", "__destroy_into_raw"].includes(n))
    .sort();
  assert.deepEqual(proto, declared);
  for (const name of proto) {
    const d = Object.getOwnPropertyDescriptor(AuthClient.prototype, name);
    assert.equal(typeof d.value, "function", name);
    assert.equal(d.enumerable, false, name);
    assert.equal(d.value.name, name);
  }

  // The Rust match has exactly these arms: the numbering ends where the list does.
  const auth = new AuthClient({ clientId: "c", redirectUri: "http://127.0.0.1:8080/cb", storage: "memory" });
  assert.equal(auth.__call(proto.length), undefined);
  assert.equal(auth.isCallback("http://127.0.0.1:8080/cb?code=a&state=b"), true);
  assert.equal(auth.isCallback("http://127.0.0.1:8080/cb"), false);
  assert.equal(auth.isCallback(42), false);
  assert.throws(() => auth.on("tokens", "not a function"), (e) => e instanceof AuthError && e.code === "invalid_options");
  assert.throws(() => auth.on("nope", () => {}), (e) => e instanceof AuthError && /tokens/.test(e.message));
  await assert.rejects(auth.handleRedirectCallback(42), (e) => e.code === "invalid_options" && /string/.test(e.message));
});

test("on(): each subscription is called once per event, unsubscribes alone, and a throwing listener harms no other", async () => {
  const { default: init, AuthClient } = await import(`${ROOT}pkg/index.js`);
  await init({ module_or_path: readFileSync(`${ROOT}pkg/wasm_oauth_bg.wasm`) });
  const auth = new AuthClient({ clientId: "c", redirectUri: "http://127.0.0.1:8080/cb", storage: "memory" });
  const calls = [];
  const twice = () => calls.push("twice");
  auth.on("logout", () => {
    throw new Error("a broken listener");
  });
  const offFirst = auth.on("logout", twice);
  auth.on("logout", twice);
  // Unsubscribing another listener during an event does not skip it this time.
  let offLate;
  auth.on("logout", (payload) => {
    calls.push(`payload:${payload}`);
    offLate?.();
  });
  offLate = auth.on("logout", () => calls.push("late"));
  auth.on("tokens", () => calls.push("tokens"));

  await auth.logout({ revoke: false }); // a session ends: "logout", with no payload
  assert.deepEqual(calls, ["twice", "twice", "payload:undefined", "late"]);

  calls.length = 0;
  offFirst();
  offFirst(); // a second call removes nothing more
  await auth.logout({ revoke: false });
  assert.deepEqual(calls, ["twice", "payload:undefined"]);
});
