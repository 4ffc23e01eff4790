// Draws a QR code on a canvas. The encoder is the npm package `uqr` (pinned in package.json),
// served by the demo server at /vendor/uqr.mjs: no CDN, nothing inline (the page's CSP is
// script-src 'self'). The SDK itself ships no QR code.

import { encode } from "/vendor/uqr.mjs";

const QUIET_ZONE = 4; // modules of white around the symbol, as the standard asks
const TARGET_PX = 200;

/** Paints `text` as a QR code (error correction M) filling `canvas`, black on white. */
export function drawQr(canvas, text) {
  const { data } = encode(text, { ecc: "M", border: 0 });
  const modules = data.length + 2 * QUIET_ZONE;
  const scale = Math.max(2, Math.floor(TARGET_PX / modules));
  const size = modules * scale;
  canvas.width = size;
  canvas.height = size;
  const g = canvas.getContext("2d");
  g.fillStyle = "#ffffff";
  g.fillRect(0, 0, size, size);
  g.fillStyle = "#000000";
  data.forEach((row, y) => row.forEach((dark, x) => {
    if (dark) g.fillRect((x + QUIET_ZONE) * scale, (y + QUIET_ZONE) * scale, scale, scale);
  }));
  canvas.dataset.text = text;
}

/** Blanks the canvas. */
export function clearQr(canvas) {
  canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
  delete canvas.dataset.text;
}
