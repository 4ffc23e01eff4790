// AuthClient's methods are ordinary wasm-bindgen methods, each declared in the
// generated TypeScript with its own types. A method the declarations do not
// know, or a declared one the prototype lacks, would be a method apps cannot
// call or a type that lies.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

test("every AuthClient method is on the prototype and declared in the TypeScript", async () => {
  const { default: init, AuthClient, AuthError } = await import(`${ROOT}pkg/index.js`);
  await init({ module_or_path: readFileSync(`${ROOT}pkg/wasm_oauth_bg.wasm`) });

  // The declared methods: the generated class, and the generic `on` of the
  // interface that merges with it (src/face/types.d.ts), as shipped.
  const dts = readFileSync(`${ROOT}pkg/wasm_oauth.d.ts`, "utf8");
  const body = (kind) => dts.match(new RegExp(`export ${kind} AuthClient \\{([\\s\\S]*?)\\n\\}`))[1];
  const names = (text) => [...text.matchAll(/^\s+(\w+)[<(]/gm)].map((m) => m[1]);
  const declared = [...names(body("class")), ...names(body("interface"))]
    .filter((n) => n !== "constructor" && n !== "free")
    .sort();

  // The exported class is the entry's subclass (its constructor refuses to run before init());
  // the methods are the generated class's, one prototype up.
  const generated = Object.getPrototypeOf(AuthClient.prototype);
  assert.deepEqual(Object.getOwnPropertyNames(AuthClient.prototype), ["constructor"]);
  const proto = Object.getOwnPropertyNames(generated)
    .filter((n) => !["constructor", "free", "__destroy_into_raw"].includes(n) && typeof n === "string")
    .sort();
  assert.deepEqual(proto, declared);
  assert.equal(proto.length, 19); // 17 before auth.fetch, 18 before loginSilently
  for (const name of proto) {
    const d = Object.getOwnPropertyDescriptor(generated, name);
    assert.equal(typeof d.value, "function", name);
    assert.equal(d.enumerable, false, name);
  }

  const auth = new AuthClient({ clientId: "c", redirectUri: "http://127.0.0.1:8080/cb", storage: "memory" });
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
