// The silent sign-in page (silentRedirectUri): loaded by the SDK in a hidden iframe of the demo,
// with the provider's answer to a prompt=none request in its address. handleRedirectCallback()
// sees that it runs in a frame of a page of this origin that waits for it, hands the answer over
// (the waiting page checks it and redeems the code) and never settles. Nothing is stored here.

import init, { AuthClient } from "/pkg/index.js";

await init();
const config = await (await fetch("/config.json")).json();
const auth = new AuthClient({
  clientId: config.clientId,
  redirectUri: config.redirectUri,
  issuer: config.issuer,
  storage: "memory",
});
if (auth.isCallback()) await auth.handleRedirectCallback();
