// `node bench/run.js --profile`: llmux under `node --cpu-prof` while it serves one load at a time
// (a fresh gateway process per scenario), then the top functions by self time and by inclusive
// time, and the share of each area (core, host, undici, pino, node internals, GC).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { claudeCodeRequest } from "./claude-code-request.mjs";
import { measureStreams, measureThroughput } from "./http-measure.mjs";
import { choosePinning, pinSelf, startChild } from "./processes.mjs";
import { buildRequest, FIRST_TOKEN_MARKER, gatewayConfig, modelName } from "./scenarios.mjs";

/** @typedef {{ id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }} ProfileNode */
/** @typedef {{ nodes: ProfileNode[], samples: number[], timeDeltas: number[], startTime: number }} CpuProfile */

/** Microseconds on the monotonic clock V8's profiler stamps its samples with. */
const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

const SCENARIOS = [
  {
    name: "passthrough-small-c16",
    request: () => buildRequest("openai-chat", { model: modelName("openai-chat", "small"), stream: false }),
    stream: false,
  },
  {
    name: "converted-small-c16",
    request: () => buildRequest("anthropic", { model: modelName("openai-chat", "small"), stream: false }),
    stream: false,
  },
  {
    name: "passthrough-100KB-c16",
    request: () =>
      buildRequest("anthropic", {
        model: modelName("anthropic", "big"),
        stream: false,
        body: claudeCodeRequest(),
      }),
    stream: false,
  },
  {
    name: "converted-100KB-c16",
    request: () =>
      buildRequest("anthropic", {
        model: modelName("openai-chat", "big"),
        stream: false,
        body: claudeCodeRequest(),
      }),
    stream: false,
  },
  {
    name: "passthrough-stream-paced-c64",
    request: () => buildRequest("openai-chat", { model: modelName("openai-chat", "p200"), stream: true }),
    stream: true,
  },
  {
    name: "converted-stream-burst-c64",
    request: () => buildRequest("anthropic", { model: modelName("openai-chat", "s200"), stream: true }),
    stream: true,
  },
  {
    name: "converted-stream-paced-c64",
    request: () => buildRequest("anthropic", { model: modelName("openai-chat", "p200"), stream: true }),
    stream: true,
  },
];

/**
 * @param {string} url
 * @param {string} root
 */
function area(url, root) {
  if (url === "") return "(native/builtin)";
  if (url.startsWith("node:")) return "node internals";
  const path = url.startsWith("file://") ? url.slice(7) : url;
  const inside = relative(root, path);
  if (inside.startsWith("dist/core/")) return "llmux core";
  if (inside.startsWith("dist/host/")) return "llmux host";
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(inside)?.[1];
  return module === undefined ? inside : module;
}

/**
 * Self and inclusive time per function, and self time per area, as shares of busy time, over
 * the samples taken within `window` (monotonic microseconds): the load, not the start-up.
 * @param {CpuProfile} profile
 * @param {string} root
 * @param {{ from: number, to: number }} window
 * @param {number} top
 */
export function summarizeProfile(profile, root, window, top = 25) {
  /** @type {Map<number, ProfileNode>} */
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  /** @type {Map<number, number>} */
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const key = (/** @type {ProfileNode} */ node) => {
    const frame = node.callFrame;
    const where =
      frame.url === ""
        ? ""
        : ` ${relative(root, frame.url.replace(/^file:\/\//, ""))}:${frame.lineNumber + 1}`;
    return `${frame.functionName || "(anonymous)"}${where}`;
  };
  /** @type {Map<string, number>} */
  const self = new Map();
  /** @type {Map<string, number>} */
  const inclusive = new Map();
  /** @type {Map<string, number>} */
  const areas = new Map();
  let busy = 0;
  let stamp = profile.startTime;
  profile.samples.forEach((id, index) => {
    const node = byId.get(id);
    const delta = profile.timeDeltas[index] ?? 0;
    stamp += delta;
    if (stamp < window.from || stamp > window.to) return;
    if (node === undefined || node.callFrame.functionName === "(idle)") return;
    busy += delta;
    const name = key(node);
    self.set(name, (self.get(name) ?? 0) + delta);
    const special = node.callFrame.functionName.startsWith("(") ? node.callFrame.functionName : undefined;
    const areaName = special ?? area(node.callFrame.url, root);
    areas.set(areaName, (areas.get(areaName) ?? 0) + delta);
    /** @type {Set<string>} */
    const seen = new Set();
    for (let at = /** @type {number | undefined} */ (id); at !== undefined; at = parent.get(at)) {
      const ancestor = byId.get(at);
      if (ancestor === undefined) break;
      const ancestorName = key(ancestor);
      if (seen.has(ancestorName)) continue;
      seen.add(ancestorName);
      inclusive.set(ancestorName, (inclusive.get(ancestorName) ?? 0) + delta);
    }
  });
  const ranked = (/** @type {Map<string, number>} */ map) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => ({ name, ms: micros / 1000, percent: (100 * micros) / Math.max(1, busy) }));
  const llmuxInclusive = new Map([...inclusive].filter(([name]) => name.includes("dist/")));
  return { busyMs: busy / 1000, areas: ranked(areas), self: ranked(self), inclusive: ranked(llmuxInclusive) };
}

/**
 * @param {{ root: string, bin: string, seconds: number, only?: string | undefined, log: (line: string) => void }} options
 */
export async function runProfile(options) {
  const { root, bin, seconds, log } = options;
  const pinning = choosePinning();
  if (pinning !== undefined) pinSelf(pinning.load);
  const only = options.only === undefined ? undefined : new Set(options.only.split(","));
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const outDir = join(root, "bench/results/profiles", stamp);
  mkdirSync(outDir, { recursive: true });
  const mock = await startChild([join(root, "bench/mock-process.mjs")], { core: pinning?.load });
  /** @type {Record<string, unknown>} */
  const summaries = {};
  try {
    for (const scenario of SCENARIOS.filter((entry) => only === undefined || only.has(entry.name))) {
      const temp = mkdtempSync(join(tmpdir(), "llmux-profile-"));
      const configPath = join(temp, "llmux.json");
      writeFileSync(configPath, JSON.stringify(gatewayConfig(mock.url, join(temp, "data"))));
      const gateway = await startChild(
        [
          "--cpu-prof",
          `--cpu-prof-dir=${outDir}`,
          `--cpu-prof-name=${scenario.name}.cpuprofile`,
          "--cpu-prof-interval=200",
          bin,
          "start",
          "--config",
          configPath,
          "--port",
          "0",
        ],
        {
          core: pinning?.server,
          stdoutFile: join(temp, "llmux.log"),
          urlOnStderr: /listening on (http:\/\/\S+)/,
        },
      );
      const request = scenario.request();
      log(`profiling ${scenario.name} for ${seconds} s`);
      // A short warm-up first, so the window shows the steady state rather than JIT warm-up.
      await measureThroughput(gateway.url, request, { connections: 4, seconds: 1 });
      const window = { from: monotonicMicros(), to: 0 };
      if (scenario.stream) {
        await measureStreams(gateway.url, request, {
          concurrency: 64,
          seconds,
          marker: FIRST_TOKEN_MARKER,
          maxStreams: 100_000,
        });
      } else {
        await measureThroughput(gateway.url, request, { connections: 16, seconds });
      }
      window.to = monotonicMicros();
      await gateway.stop("SIGINT", 20_000);
      rmSync(temp, { recursive: true, force: true });
      const file = join(outDir, `${scenario.name}.cpuprofile`);
      const profile = /** @type {CpuProfile} */ (JSON.parse(readFileSync(file, "utf8")));
      const summary = summarizeProfile(profile, root, window);
      summaries[scenario.name] = summary;
      process.stdout.write(`\n## ${scenario.name} (busy ${summary.busyMs.toFixed(0)} ms)\n\nby area:\n`);
      for (const entry of summary.areas.slice(0, 10))
        process.stdout.write(`  ${entry.percent.toFixed(1).padStart(5)}%  ${entry.name}\n`);
      process.stdout.write("top self time:\n");
      for (const entry of summary.self.slice(0, 20))
        process.stdout.write(`  ${entry.percent.toFixed(1).padStart(5)}%  ${entry.name}\n`);
      process.stdout.write("top inclusive time (llmux functions):\n");
      for (const entry of summary.inclusive.slice(0, 15)) {
        process.stdout.write(`  ${entry.percent.toFixed(1).padStart(5)}%  ${entry.name}\n`);
      }
    }
  } finally {
    await mock.stop();
  }
  writeFileSync(join(outDir, "summary.json"), `${JSON.stringify(summaries, null, 2)}\n`);
  process.stdout.write(`\nprofiles and summary.json in ${outDir} (open a .cpuprofile in Chrome DevTools)\n`);
}
