// Where the engine spends wasm-oauth's ready time, from a Chromium trace of one cold load
// (used by run.mjs after the timed ready loads; tracing slows the page, so these loads are
// separate from the timed ones and their numbers are compared with each other, not with those).
//
// The page marks its steps with performance.mark (bench/page/harness.js and adapters.js:
// "ready:import", "ready:init", "ready:construct", "ready:done"); the trace's V8 events
// between two marks on the page's main thread say what the engine did in that step:
//  - init(): V8's wasm streaming compiler on the main thread (decoding the bytes as they
//    arrive, finishing the module, instantiating) and on background threads (validating and
//    compiling functions);
//  - new AuthClient(): V8 compiles a wasm function (Liftoff) the first time it runs, on the
//    main thread ("wasm.CompileLazy", one per function); the rest of the step is running.

/** The trace categories the split needs: user timing, V8's wasm events and their details. */
export const READY_TRACE_CATEGORIES = ["blink.user_timing", "v8.wasm", "disabled-by-default-v8.wasm.detailed"];

const STEPS = ["ready:import", "ready:init", "ready:construct", "ready:done"];

/** Total length of the union of [start, end) intervals, in ms (trace times are µs). */
function unionMs(intervals) {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [s, e] of sorted) {
    if (e <= end) continue;
    total += e - Math.max(s, end);
    end = e;
  }
  return total / 1000;
}

/**
 * Runs `run()` (the page's timed ready call) under Tracing in `page`'s CDP session and splits
 * its trace. Resolves to { run: what run() resolved to, split } (split: see `splitReadyTrace`).
 */
export async function traceReady(context, page, run) {
  const cdp = await context.newCDPSession(page);
  const events = [];
  cdp.on("Tracing.dataCollected", (e) => events.push(...e.value));
  await cdp.send("Tracing.start", {
    traceConfig: { includedCategories: READY_TRACE_CATEGORIES },
    transferMode: "ReportEvents",
  });
  const result = await run();
  const complete = new Promise((resolve) => cdp.once("Tracing.tracingComplete", resolve));
  await cdp.send("Tracing.end");
  await complete;
  await cdp.detach();
  return { run: result, split: splitReadyTrace(events) };
}

/**
 * The steps' wall times and what V8's wasm engine did in them, in ms:
 * { initMs, constructMs, initWasmMainMs, initWasmBackgroundMs, lazyCompiled, lazyCompileMs,
 *   lazyCompileCpuMs }, or undefined when the marks are missing.
 */
export function splitReadyTrace(events) {
  const marks = {};
  let main;
  for (const e of events) {
    if (STEPS.includes(e.name) && e.cat?.includes("blink.user_timing")) {
      marks[e.name] = e.ts;
      main = { pid: e.pid, tid: e.tid };
    }
  }
  if (!main || STEPS.some((s) => marks[s] === undefined)) return undefined;
  const within = (e, from, to) => e.ts >= marks[from] && e.ts < marks[to];
  const wasm = events.filter((e) => e.ph === "X" && e.pid === main.pid && e.cat?.split(",").includes("v8.wasm"));
  const onMain = (e) => e.tid === main.tid;
  const init = wasm.filter((e) => within(e, "ready:init", "ready:construct"));
  const background = new Map(); // tid -> intervals
  for (const e of init.filter((x) => !onMain(x))) {
    if (!background.has(e.tid)) background.set(e.tid, []);
    background.get(e.tid).push([e.ts, e.ts + e.dur]);
  }
  const lazy = wasm.filter((e) => onMain(e) && e.name === "wasm.CompileLazy" && within(e, "ready:construct", "ready:done"));
  return {
    initMs: (marks["ready:construct"] - marks["ready:init"]) / 1000,
    constructMs: (marks["ready:done"] - marks["ready:construct"]) / 1000,
    initWasmMainMs: unionMs(init.filter(onMain).map((e) => [e.ts, e.ts + e.dur])),
    initWasmBackgroundMs: [...background.values()].reduce((sum, list) => sum + unionMs(list), 0),
    lazyCompiled: lazy.length,
    lazyCompileMs: unionMs(lazy.map((e) => [e.ts, e.ts + e.dur])),
    lazyCompileCpuMs: lazy.reduce((sum, e) => sum + (e.tdur ?? e.dur), 0) / 1000,
  };
}
