// parseCallbackUrl's result, member by member and in order, for each kind of
// authorization response: what `ParsedCallback` in the TypeScript promises,
// with absent members left out (not present as `undefined`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

async function parser() {
  const { default: init, parseCallbackUrl } = await import(`${ROOT}pkg/index.js`);
  await init({ module_or_path: readFileSync(`${ROOT}pkg/wasm_oauth_bg.wasm`) });
  return (url) => {
    const parsed = parseCallbackUrl(url);
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    return Object.entries(parsed);
  };
}

test("a code response: kind, code, state, iss and where it came; an absent iss is left out", async () => {
  const parse = await parser();
  assert.deepEqual(parse("https://app.example/cb?code=c1&state=s1&iss=https%3A%2F%2Fid.example"), [
    ["kind", "code"],
    ["code", "c1"],
    ["state", "s1"],
    ["iss", "https://id.example"],
    ["responseMode", "query"],
  ]);
  assert.deepEqual(parse("https://app.example/cb#code=c2&state=s2"), [
    ["kind", "code"],
    ["code", "c2"],
    ["state", "s2"],
    ["responseMode", "fragment"],
  ]);
});

test("tokens in the fragment: every member the response carries, in the declared order", async () => {
  const parse = await parser();
  assert.deepEqual(
    parse("https://app.example/cb#state=s&id_token=i.d.t&scope=openid&expires_in=60&token_type=Bearer&access_token=a"),
    [
      ["kind", "tokens"],
      ["accessToken", "a"],
      ["tokenType", "Bearer"],
      ["expiresIn", "60"],
      ["scope", "openid"],
      ["idToken", "i.d.t"],
      ["state", "s"],
      ["responseMode", "fragment"],
    ],
  );
  assert.deepEqual(parse("https://app.example/cb#id_token=i.d.t"), [
    ["kind", "tokens"],
    ["idToken", "i.d.t"],
    ["responseMode", "fragment"],
  ]);
});

test("an error response: the error, its description, state and iss; absent ones left out", async () => {
  const parse = await parser();
  assert.deepEqual(parse("https://app.example/cb?error=access_denied&error_description=no&state=s&iss=https%3A%2F%2Fid.example"), [
    ["kind", "error"],
    ["error", "access_denied"],
    ["errorDescription", "no"],
    ["state", "s"],
    ["iss", "https://id.example"],
    ["responseMode", "query"],
  ]);
  assert.deepEqual(parse("https://app.example/cb?error=login_required&state=s"), [
    ["kind", "error"],
    ["error", "login_required"],
    ["state", "s"],
    ["responseMode", "query"],
  ]);
});
