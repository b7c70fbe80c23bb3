// `npm run bench`: the mock upstream, the floor proxy and llmux in their own processes (pinned to
// separate cores when possible), measured side by side; prints Markdown tables and writes JSON to
// bench/results/<timestamp>.json. A benchmark, not a test: it never fails on a number.
//
//   node bench/run.js [--quick] [--reps N] [--only latency,throughput,streaming,memory,micro]
//                     [--streams N] [--gateway-log info|silent] [--gateway-bin FILE]
//                     [--compare-silent] [--compare-bin FILE[=label][,...]]
//                     [--concurrency 1,16,64] [--stream-concurrency 1,64]
//                     [--max-wait S] [--quiet-threshold CORES]
//   node bench/run.js --profile [--seconds S] [--scenarios a,b]   (profile.mjs: llmux under --cpu-prof)
//   node bench/run.js --report bench/results/<file>.json         (print a saved run again)
import { execFileSync } from "node:child_process";
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { backgroundLoad, checkTargets, deriveTables } from "./derive.mjs";
import { runLatency, runMemory, runStreaming, runThroughput } from "./phases.mjs";
import { choosePinning, pinSelf, rssMb, startChild, waitForQuiet, watchBackground } from "./processes.mjs";
import { runProfile } from "./profile.mjs";
import { renderReport } from "./report.mjs";
import { gatewayConfig } from "./scenarios.mjs";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const flag = (/** @type {string} */ name) => args.includes(name);
const option = (/** @type {string} */ name) => {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
};
const quick = flag("--quick");
const numbers = (/** @type {string} */ list) => list.split(",").map(Number);
const only = new Set((option("--only") ?? "latency,throughput,streaming,memory,micro").split(","));
const log = (/** @type {string} */ line) => process.stderr.write(`[bench] ${line}\n`);

/** @typedef {Record<string, Record<string, number>[]>} Runs */

/** @type {import("./phases.mjs").Settings} */
const settings = {
  reps: Number(option("--reps") ?? (quick ? 1 : 3)),
  sequentialCount: quick ? 150 : 400,
  throughputSeconds: quick ? 1 : 3,
  streamSeconds: quick ? 1 : 2,
  slowStreams: Number(option("--streams") ?? (quick ? 200 : 1000)),
  concurrency: numbers(option("--concurrency") ?? "1,16,64"),
  streamConcurrency: numbers(option("--stream-concurrency") ?? "1,64"),
  log,
  quiet: async () => 0,
  background: () => () => 0,
};
const maxWaitMs = Number(option("--max-wait") ?? (quick ? 5 : 20)) * 1000;
const quietThreshold = Number(option("--quiet-threshold") ?? 0.15);
/** Another build of llmux to measure (e.g. a patched copy), instead of this checkout's bin/llmux.js. */
const gatewayBin = option("--gateway-bin") ?? join(ROOT, "bin/llmux.js");
const gatewayLogLevel = option("--gateway-log") ?? "info";

/**
 * Lines in a file, read in 1 MB pieces (a long run's log is larger than a string can be).
 * @param {string} path
 */
function countLines(path) {
  const fd = openSync(path, "r");
  const buffer = Buffer.alloc(1024 * 1024);
  let lines = 0;
  try {
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) return lines;
      for (let at = buffer.indexOf(10); at !== -1 && at < read; at = buffer.indexOf(10, at + 1)) lines++;
    }
  } finally {
    closeSync(fd);
  }
}

function machine() {
  const nodeVersion = process.version;
  const model = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpus()[0]?.model;
  return { nproc: cpus().length, cpuModel: model, node: nodeVersion, loadavgAtStart: loadavg() };
}

/**
 * One llmux process from `bin`, on a config of its own, logging (at `logLevel`) to a file.
 * @param {{ temp: string, name: string, mockUrl: string, bin: string, logLevel: string, core: string | undefined }} options
 */
function startGateway(options) {
  const dataDir = join(options.temp, `data-${options.name}`);
  const configPath = join(options.temp, `${options.name}.json`);
  writeFileSync(
    configPath,
    JSON.stringify(gatewayConfig(options.mockUrl, dataDir, options.logLevel), null, 2),
  );
  return startChild([options.bin, "start", "--config", configPath, "--port", "0", "--data-dir", dataDir], {
    core: options.core,
    stdoutFile: join(options.temp, `${options.name}.log`),
    urlOnStderr: /listening on (http:\/\/\S+)/,
  });
}

/**
 * Other gateways measured side by side with the main one: `--compare-silent` (this build,
 * logging off) and `--compare-bin FILE[=label][,FILE[=label]]` (e.g. a patched copy).
 * @returns {{ label: string, bin: string, logLevel: string }[]}
 */
function comparedGateways() {
  const compared = [];
  if (flag("--compare-silent"))
    compared.push({ label: "llmux logging off", bin: gatewayBin, logLevel: "silent" });
  for (const entry of (option("--compare-bin") ?? "").split(",").filter((item) => item !== "")) {
    const [bin = "", label] = entry.split("=");
    compared.push({
      label: label ?? `llmux ${basename(dirname(dirname(bin)))}`,
      bin,
      logLevel: gatewayLogLevel,
    });
  }
  return compared;
}

/**
 * @param {string} temp
 * @param {ReturnType<typeof choosePinning>} pinning
 */
async function startServers(temp, pinning) {
  const mock = await startChild([join(ROOT, "bench/mock-process.mjs")], { core: pinning?.load });
  const floor = await startChild([join(ROOT, "bench/floor-proxy.mjs"), mock.url], { core: pinning?.server });
  const common = { temp, mockUrl: mock.url, core: pinning?.server };
  const gateway = await startGateway({
    ...common,
    name: "llmux",
    bin: gatewayBin,
    logLevel: gatewayLogLevel,
  });
  /** @type {{ label: string, server: import("./processes.mjs").Child }[]} */
  const compared = [];
  for (const [index, entry] of comparedGateways().entries()) {
    const server = await startGateway({
      ...common,
      name: `compared-${index}`,
      bin: entry.bin,
      logLevel: entry.logLevel,
    });
    compared.push({ label: entry.label, server });
  }
  return { mock, floor, gateway, compared };
}

/**
 * A results file as the printed report.
 * @param {{ startedAt: string, machine: { nproc: number, cpuModel?: string | undefined, node: string, loadavgAtStart: number[] }, pinning: { note: string } | null, settings: { reps: number }, gatewayLogLevel: string, gatewayLogLines: number, derived: import("./derive.mjs").Derived }} result
 */
function renderRun(result) {
  const machineLine =
    `${result.machine.nproc} cores, ${result.machine.cpuModel}, Node ${result.machine.node}; ` +
    `${result.pinning?.note ?? "no pinning"}; ${result.settings.reps} repetition(s), median (min-max); ` +
    `load average at start ${result.machine.loadavgAtStart.map((value) => value.toFixed(2)).join(" ")}`;
  return (
    `\n## llmux benchmark, ${result.startedAt}\n\n${machineLine}\n\n${renderReport(result.derived)}` +
    `\nllmux wrote ${result.gatewayLogLines} log lines (level ${result.gatewayLogLevel}).\n`
  );
}

/**
 * `--report FILE`: print a saved run again, its tables derived afresh from its raw runs.
 * @param {string} file
 */
function reprint(file) {
  const result = JSON.parse(readFileSync(file, "utf8"));
  Object.assign(result.derived, deriveTables(result.raw));
  result.derived.targets = checkTargets(result.derived);
  result.derived.background = backgroundLoad(result.raw);
  process.stdout.write(renderRun(result));
}

async function main() {
  const saved = option("--report");
  if (saved !== undefined) {
    reprint(saved);
    return;
  }
  if (flag("--profile")) {
    await runProfile({
      root: ROOT,
      bin: gatewayBin,
      seconds: Number(option("--seconds") ?? 6),
      only: option("--scenarios"),
      log,
    });
    return;
  }
  const pinning = choosePinning();
  if (pinning !== undefined) pinSelf(pinning.load);
  log(pinning === undefined ? "no CPU pinning (needs taskset and 2+ cores)" : `pinning: ${pinning.note}`);
  const started = Date.now();
  /** @type {{ latency?: Runs, throughput?: Runs, streaming?: Runs, memory?: unknown }} */
  const raw = {};
  /** @type {import("./derive.mjs").Derived} */
  const derived = {};

  if (only.has("micro")) {
    await waitForQuiet([process.pid], { maxWaitMs, threshold: quietThreshold, log });
    log("micro benchmarks (own process)...");
    const microArgs = [
      join(ROOT, "bench/micro.mjs"),
      "--reps",
      String(settings.reps),
      "--budget-ms",
      quick ? "100" : "300",
    ];
    const command =
      pinning === undefined
        ? [process.execPath, ...microArgs]
        : ["taskset", "-c", pinning.server, process.execPath, ...microArgs];
    const output = execFileSync(/** @type {string} */ (command[0]), command.slice(1), {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    derived.micro = /** @type {import("./derive.mjs").MicroResult} */ (JSON.parse(output));
  }

  const temp = mkdtempSync(join(tmpdir(), "llmux-bench-"));
  const servers = await startServers(temp, pinning);
  const pids = [process.pid, servers.mock.pid, servers.floor.pid, servers.gateway.pid];
  for (const entry of servers.compared) pids.push(entry.server.pid);
  settings.background = () => watchBackground(pids);
  settings.quiet = () => waitForQuiet(pids, { maxWaitMs, threshold: quietThreshold, log });
  let freshCount = 0;
  settings.fresh = async (which) => {
    const child =
      which === "floor"
        ? await startChild([join(ROOT, "bench/floor-proxy.mjs"), servers.mock.url], { core: pinning?.server })
        : await startGateway({
            temp,
            mockUrl: servers.mock.url,
            core: pinning?.server,
            name: `fresh-${freshCount++}`,
            bin: gatewayBin,
            logLevel: gatewayLogLevel,
          });
    return { url: child.url, pid: child.pid, stop: () => child.stop("SIGTERM") };
  };
  const cleanup = async () => {
    await Promise.all([
      servers.gateway.stop("SIGTERM"),
      ...servers.compared.map((entry) => entry.server.stop("SIGTERM")),
      servers.floor.stop(),
      servers.mock.stop(),
    ]);
  };
  try {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    /** @type {Record<string, number>} */
    const memory = {
      idleRssMb: rssMb(servers.gateway.pid),
      floorIdleRssMb: rssMb(servers.floor.pid),
      mockIdleRssMb: rssMb(servers.mock.pid),
    };
    derived.memory = memory;
    log(`servers up: mock ${servers.mock.url}, floor ${servers.floor.url}, llmux ${servers.gateway.url}`);
    if (only.has("latency")) raw.latency = await runLatency(servers, settings);
    if (only.has("throughput")) raw.throughput = await runThroughput(servers, settings);
    if (only.has("streaming")) raw.streaming = await runStreaming(servers, settings);
    if (only.has("memory")) {
      const held = await runMemory(servers, settings);
      raw.memory = held;
      memory.slowStreams = held.slowStreams;
      for (const [name, entry] of Object.entries(held.byTarget)) memory[`streams ${name}`] = entry.rssMb;
    }
    memory.afterRunRssMb = rssMb(servers.gateway.pid);
  } finally {
    await cleanup();
  }
  const logLines = countLines(join(temp, "llmux.log"));
  const compared = comparedGateways().map((entry) => ({
    label: entry.label,
    bin: entry.bin,
    logLevel: entry.logLevel,
  }));
  rmSync(temp, { recursive: true, force: true });
  Object.assign(derived, deriveTables(raw));
  derived.targets = checkTargets(derived);
  derived.background = backgroundLoad(raw);

  const result = {
    startedAt: new Date(started).toISOString(),
    elapsedSeconds: (Date.now() - started) / 1000,
    machine: { ...machine(), loadavgAtEnd: loadavg() },
    pinning: pinning ?? null,
    settings: { ...settings, log: undefined, quiet: undefined, background: undefined },
    gatewayLogLevel,
    gatewayBin,
    compared,
    gatewayLogLines: logLines,
    derived,
    raw,
  };
  const resultsDir = join(ROOT, "bench/results");
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${new Date(started).toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(renderRun(result));
  process.stdout.write(`\nJSON: ${file} (${result.elapsedSeconds.toFixed(0)} s)\n`);
}

main().catch((error) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
