// `node bench/ab.mjs`: one small-request scenario, the floor and one or more llmux builds, measured
// in many short interleaved rounds: CPU per request of each proxy and its ratio to the floor in the
// same round, median over the rounds. Tighter than the full suite for one question ("does this
// change make a small request cheaper?"): every build is warm, and drift falls on all of them.
//   node bench/ab.mjs [--rounds 8] [--seconds 2] [--concurrency 16] [--kind passthrough|converted]
//                     [label=path/to/bin/llmux.js[:loglevel] ...]   (default: this build)
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { measureThroughput } from "./http-measure.mjs";
import { choosePinning, cpuMicros, pinSelf, startChild } from "./processes.mjs";
import { buildRequest, gatewayConfig, modelName } from "./scenarios.mjs";
import { median } from "./stats.mjs";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
/** @param {string} name */
function option(name) {
  const index = args.indexOf(name);
  if (index === -1) return undefined;
  const value = args[index + 1];
  args.splice(index, 2);
  return value;
}
const rounds = Number(option("--rounds") ?? 8);
const seconds = Number(option("--seconds") ?? 2);
const connections = Number(option("--concurrency") ?? 16);
const kind = option("--kind") ?? "passthrough";
if (kind !== "passthrough" && kind !== "converted") throw new Error("--kind is passthrough or converted");
const builds = args.length > 0 ? args : [`llmux=${join(ROOT, "bin/llmux.js")}`];

const pinning = choosePinning();
if (pinning !== undefined) pinSelf(pinning.load);
const temp = mkdtempSync(join(tmpdir(), "llmux-ab-"));
const mock = await startChild([join(ROOT, "bench/mock-process.mjs")], { core: pinning?.load });
/** @type {{ label: string, child: import("./processes.mjs").Child, runs: number[] }[]} */
const targets = [
  {
    label: "floor",
    child: await startChild([join(ROOT, "bench/floor-proxy.mjs"), mock.url], { core: pinning?.server }),
    runs: [],
  },
];
for (const [index, build] of builds.entries()) {
  const [label = "", rest = ""] = build.split("=");
  const [bin = "", level = "info"] = rest.split(":");
  const dataDir = join(temp, `data-${index}`);
  const config = join(temp, `config-${index}.json`);
  writeFileSync(config, JSON.stringify(gatewayConfig(mock.url, dataDir, level)));
  const child = await startChild([bin, "start", "--config", config, "--port", "0", "--data-dir", dataDir], {
    core: pinning?.server,
    stdoutFile: join(temp, `llmux-${index}.log`),
    urlOnStderr: /listening on (http:\/\/\S+)/,
  });
  targets.push({ label, child, runs: [] });
}

const upstreamRequest = buildRequest("openai-chat", {
  model: modelName("openai-chat", "small"),
  stream: false,
});
const gatewayRequest =
  kind === "converted"
    ? buildRequest("anthropic", { model: modelName("openai-chat", "small"), stream: false })
    : upstreamRequest;

/** @param {(typeof targets)[number]} target @param {number} duration */
async function cpuPerRequest(target, duration) {
  const before = cpuMicros(target.child.pid);
  const request = target.label === "floor" ? upstreamRequest : gatewayRequest;
  const result = await measureThroughput(target.child.url, request, { connections, seconds: duration });
  return (cpuMicros(target.child.pid) - before) / Math.max(1, result.requests);
}

try {
  for (const target of targets) await cpuPerRequest(target, 2);
  for (let round = 0; round < rounds; round++) {
    for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
      target.runs.push(await cpuPerRequest(target, seconds));
    }
  }
  const floor = /** @type {(typeof targets)[number]} */ (targets[0]).runs;
  process.stdout.write(
    `${kind}, small request, c=${connections}, ${rounds} rounds of ${seconds} s; ${pinning?.note ?? "no pinning"}\n`,
  );
  for (const target of targets) {
    const ratios = target.runs.map((value, index) => value / /** @type {number} */ (floor[index]));
    process.stdout.write(
      `${target.label.padEnd(16)} ${median(target.runs).toFixed(1).padStart(6)} us/request  ` +
        `${median(ratios).toFixed(3)}x the floor  [${ratios.map((ratio) => ratio.toFixed(2)).join(" ")}]\n`,
    );
  }
} finally {
  await Promise.all(targets.map((target) => target.child.stop("SIGTERM")));
  await mock.stop();
  rmSync(temp, { recursive: true, force: true });
}
