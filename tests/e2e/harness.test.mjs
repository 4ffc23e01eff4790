// The test harness itself: a test process that is killed (no `after` hook, no stop()) does
// not leave the dev provider running and holding its ports.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { connect } from "node:net";

const HARNESS = new URL("./harness.mjs", import.meta.url).href;

/** Whether something accepts connections on 127.0.0.1:port. */
function listening(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port: Number(port) });
    socket.once("connect", () => { socket.destroy(); resolve(true); });
    socket.once("error", () => resolve(false));
  });
}

test("the dev provider ends when the test process that started it is killed", async () => {
  const parent = spawn(process.execPath, ["--input-type=module", "-e", `
    import { startStack } from ${JSON.stringify(HARNESS)};
    const stack = await startStack();
    console.log(JSON.stringify({ issuer: stack.issuer, demoUrl: stack.demoUrl }));
    setInterval(() => {}, 1000);`], { stdio: ["ignore", "pipe", "inherit"] });
  let text = "";
  parent.stdout.setEncoding("utf8").on("data", (chunk) => { text += chunk; });
  while (!text.includes("\n")) await once(parent.stdout, "data");
  const { issuer, demoUrl } = JSON.parse(text.trim());
  const ports = [new URL(issuer).port, new URL(demoUrl).port];
  for (const port of ports) assert.equal(await listening(port), true, `port ${port} is up`);

  parent.kill("SIGKILL");
  await once(parent, "exit");
  const deadline = Date.now() + 10_000;
  let up = ports;
  while (up.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    up = (await Promise.all(ports.map(async (p) => ((await listening(p)) ? p : null)))).filter(Boolean);
  }
  assert.deepEqual(up, [], "no port is still served after the parent died");
});
