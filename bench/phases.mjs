// The end-to-end phases: sequential latency, throughput, streaming and memory, each against the
// mock called directly, the floor proxy, and llmux, interleaved within each repetition.
import { claudeCodeRequest } from "./claude-code-request.mjs";
import { holdSlowStreams, measureSequential, measureStreams, measureThroughput } from "./http-measure.mjs";
import { cpuMicros, rssMb } from "./processes.mjs";
import {
  buildRequest,
  CONVERTED_CASE,
  FIRST_TOKEN_MARKER,
  LATENCY_CASES,
  modelName,
  PASSTHROUGH_CASE,
  PROTOCOLS,
  routedModel,
} from "./scenarios.mjs";

/** @typedef {import("./scenarios.mjs").Protocol} Protocol */
/** @typedef {import("./scenarios.mjs").ScriptKind} ScriptKind */
/** @typedef {import("./scenarios.mjs").WireRequest} WireRequest */
/** @typedef {{ url: string, pid: number }} Server */
/**
 * `compared`: more gateways measured side by side (logging off, a patched build ...).
 * @typedef {{ mock: Server, floor: Server, gateway: Server, compared: { label: string, server: Server }[] }} Servers
 */
/**
 * @typedef {object} Settings
 * @property {number} reps
 * @property {number} sequentialCount
 * @property {number} throughputSeconds
 * @property {number} streamSeconds
 * @property {number} slowStreams
 * @property {readonly number[]} concurrency
 * @property {readonly number[]} streamConcurrency
 * @property {(line: string) => void} log
 * @property {() => Promise<number>} quiet wait for other processes to calm down (bounded)
 * @property {() => () => number} background start watching other processes' CPU (cores)
 * @property {(which: "floor" | "gateway") => Promise<Server & { stop: () => Promise<unknown> }>} [fresh]
 *   a new process of the floor or of llmux, for measuring memory on a process nothing else ran on
 */
/** @typedef {{ name: string, server: Server, request: WireRequest }} Target */

/**
 * Append one repetition's record to a series.
 * @param {Record<string, Record<string, number>[]>} runs
 * @param {string} key
 * @param {Record<string, number>} entry
 */
function record(runs, key, entry) {
  const list = runs[key] ?? [];
  list.push(entry);
  runs[key] = list;
}

/**
 * @param {Protocol} upstream
 * @param {ScriptKind} kind
 * @param {boolean} stream
 * @param {Protocol} [client]
 * @param {Record<string, unknown>} [body]
 */
function request(upstream, kind, stream, client = upstream, body = undefined) {
  return buildRequest(client, {
    model: modelName(upstream, kind),
    stream,
    ...(body === undefined ? {} : { body }),
  });
}

/**
 * The four ways a request can travel over the same upstream bytes.
 * @param {Servers} servers
 * @param {ScriptKind} kind
 * @param {boolean} stream
 * @param {Record<string, unknown>} [body] an Anthropic body (the passthrough/converted client is Anthropic then)
 * @returns {Target[]}
 */
function fourTargets(servers, kind, stream, body) {
  const upstream = body === undefined ? PASSTHROUGH_CASE.upstream : "anthropic";
  const direct = request(upstream, kind, stream, upstream, body);
  const converted = request(CONVERTED_CASE.upstream, kind, stream, CONVERTED_CASE.client, body);
  /** @type {Target[]} */
  const targets = [
    { name: "direct", server: servers.mock, request: direct },
    { name: "floor", server: servers.floor, request: direct },
    { name: "llmux passthrough", server: servers.gateway, request: direct },
    { name: "llmux converted", server: servers.gateway, request: converted },
  ];
  if (body !== undefined) {
    // The same requests through a route, so classification (decode + token estimate) runs too.
    const routed = (/** @type {Protocol} */ upstream) =>
      buildRequest("anthropic", { model: routedModel(upstream), stream, body });
    targets.push(
      { name: "llmux passthrough, classified", server: servers.gateway, request: routed("anthropic") },
      { name: "llmux converted, classified", server: servers.gateway, request: routed("openai-chat") },
    );
  }
  for (const { label, server } of servers.compared) {
    targets.push(
      { name: `${label} passthrough`, server, request: direct },
      { name: `${label} converted`, server, request: converted },
    );
  }
  return targets;
}

/**
 * (1) Sequential latency, per inbound protocol, passthrough and converted.
 * @param {Servers} servers
 * @param {Settings} settings
 */
export async function runLatency(servers, settings) {
  const options = { count: settings.sequentialCount, warmup: 50, deadlineMs: 60_000 };
  /** @type {Record<string, Record<string, number>[]>} */
  const runs = {};
  const measure = async (/** @type {string} */ origin, /** @type {WireRequest} */ wire) => {
    const background = settings.background();
    const result = await measureSequential(origin, wire, options);
    return { ...result, backgroundCores: background() };
  };
  for (let rep = 0; rep < settings.reps; rep++) {
    await settings.quiet();
    for (const upstream of PROTOCOLS) {
      const wire = request(upstream, "small", false);
      record(runs, `direct ${upstream}`, await measure(servers.mock.url, wire));
      record(runs, `floor ${upstream}`, await measure(servers.floor.url, wire));
    }
    for (const entry of LATENCY_CASES) {
      const wire = request(entry.upstream, "small", false, entry.client);
      record(runs, `llmux ${entry.name}`, await measure(servers.gateway.url, wire));
    }
    settings.log(`latency: repetition ${rep + 1}/${settings.reps} done`);
  }
  return runs;
}

/**
 * Run `measure`, with the CPU time the target process and the mock used meanwhile, and the
 * load other processes put on the machine.
 * @template {object} T
 * @param {Target} target
 * @param {Server} mock
 * @param {Settings} settings
 * @param {() => Promise<T>} measure
 */
async function withProcessCpu(target, mock, settings, measure) {
  const before = { target: cpuMicros(target.server.pid), mock: cpuMicros(mock.pid) };
  const background = settings.background();
  const result = await measure();
  const cpuUs = target.server === mock ? Number.NaN : cpuMicros(target.server.pid) - before.target;
  const mockCpuUs = cpuMicros(mock.pid) - before.mock;
  return { ...result, cpuUs, mockCpuUs, backgroundCores: background() };
}

/**
 * (2) Throughput and CPU per request at each concurrency, and the 100 KB request at c=16.
 * @param {Servers} servers
 * @param {Settings} settings
 */
export async function runThroughput(servers, settings) {
  const small = fourTargets(servers, "small", false);
  const big = fourTargets(servers, "big", false, claudeCodeRequest());
  /** @type {Record<string, Record<string, number>[]>} */
  const runs = {};
  // Warm-up, not recorded: every process has compiled its hot path before the first measurement
  // (the first repetition otherwise measures the JIT as much as the proxy).
  for (const target of [...small, ...big]) {
    await measureThroughput(target.server.url, target.request, { connections: 16, seconds: 1 });
  }
  for (let rep = 0; rep < settings.reps; rep++) {
    await settings.quiet();
    for (const [label, targets, levels] of /** @type {const} */ ([
      ["small", small, settings.concurrency],
      ["100KB", big, [16]],
    ])) {
      for (const connections of levels) {
        // Every other repetition in reverse order, so slow drift (heap growth, a neighbour's
        // load) does not always fall on the same target; ratios are taken within a repetition.
        for (const target of rep % 2 === 0 ? targets : [...targets].reverse()) {
          const measured = await withProcessCpu(target, servers.mock, settings, () =>
            measureThroughput(target.server.url, target.request, {
              connections,
              seconds: settings.throughputSeconds,
            }),
          );
          const perRequest = (/** @type {number} */ cpu) => cpu / Math.max(1, measured.requests);
          record(runs, `${label} c=${connections} ${target.name}`, {
            rps: measured.rps,
            p50Ms: measured.p50Ms,
            p99Ms: measured.p99Ms,
            cpuUsPerRequest: perRequest(measured.cpuUs),
            mockCpuUsPerRequest: perRequest(measured.mockCpuUs),
            errors: measured.errors,
            backgroundCores: measured.backgroundCores,
          });
        }
      }
    }
    settings.log(`throughput: repetition ${rep + 1}/${settings.reps} done`);
  }
  return runs;
}

/**
 * (3) 200-event streams, paced (1 ms apart, each its own read) and burst, at each concurrency.
 * @param {Servers} servers
 * @param {Settings} settings
 */
export async function runStreaming(servers, settings) {
  /** @type {Record<string, Record<string, number>[]>} */
  const runs = {};
  for (let rep = 0; rep < settings.reps; rep++) {
    await settings.quiet();
    for (const [pacing, kind] of /** @type {const} */ ([
      ["paced", "p200"],
      ["burst", "s200"],
    ])) {
      for (const concurrency of settings.streamConcurrency) {
        let upstreamFrames = Number.NaN;
        for (const target of fourTargets(servers, kind, true)) {
          const measured = await withProcessCpu(target, servers.mock, settings, () =>
            measureStreams(target.server.url, target.request, {
              concurrency,
              seconds: settings.streamSeconds,
              marker: FIRST_TOKEN_MARKER,
              maxStreams: 100_000,
            }),
          );
          // The direct call goes first: its frames are the upstream's frames per stream.
          if (target.name === "direct") upstreamFrames = measured.frames / Math.max(1, measured.streams);
          record(runs, `${pacing} c=${concurrency} ${target.name}`, {
            streams: measured.streams,
            firstTokenP50Ms: measured.firstTokenP50Ms,
            firstTokenP99Ms: measured.firstTokenP99Ms,
            totalP50Ms: measured.totalP50Ms,
            totalP99Ms: measured.totalP99Ms,
            upstreamFramesPerStream: upstreamFrames,
            cpuUsPerStream: measured.cpuUs / Math.max(1, measured.streams),
            cpuUsPerChunk: measured.cpuUs / Math.max(1, measured.streams * upstreamFrames),
            errors: measured.errors,
            backgroundCores: measured.backgroundCores,
          });
        }
      }
    }
    settings.log(`streaming: repetition ${rep + 1}/${settings.reps} done`);
  }
  return runs;
}

/**
 * (4) RSS with many slow streams held open (each target in turn), and idle after it all.
 * @param {Servers} servers
 * @param {Settings} settings
 */
export async function runMemory(servers, settings) {
  /** @type {Record<string, { open: number, failed: number, idleMb?: number, rssMb: number, mockRssMb: number, rssAfterMb: number }>} */
  const byTarget = {};
  const measured = [servers.floor, servers.gateway];
  const targets = fourTargets(servers, "slow", true).filter((target) => measured.includes(target.server));
  // Each on a fresh process (what 1,000 streams cost, not what earlier phases left in the heap),
  // then converted once more on the process that ran every other phase.
  /** @type {{ name: string, target: Target, fresh: boolean }[]} */
  const runs = targets.map((target) => ({ name: target.name, target, fresh: settings.fresh !== undefined }));
  const converted = targets.find((target) => target.name === "llmux converted");
  if (settings.fresh !== undefined && converted !== undefined)
    runs.push({ name: "llmux converted, after the other phases", target: converted, fresh: false });
  for (const { name, target, fresh } of runs) {
    const process =
      fresh && settings.fresh !== undefined
        ? await settings.fresh(target.server === servers.floor ? "floor" : "gateway")
        : undefined;
    const server = process ?? target.server;
    let idleMb;
    if (process !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      idleMb = rssMb(server.pid);
    }
    await settings.quiet();
    const held = await holdSlowStreams(
      server.url,
      target.request,
      { count: settings.slowStreams, batch: 100, timeoutMs: 60_000 },
      () => ({ rssMb: rssMb(server.pid), mockRssMb: rssMb(servers.mock.pid) }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    byTarget[name] = {
      open: held.open,
      failed: held.failed,
      ...(idleMb === undefined ? {} : { idleMb }),
      rssMb: held.measured.rssMb,
      mockRssMb: held.measured.mockRssMb,
      rssAfterMb: rssMb(server.pid),
    };
    settings.log(
      `memory: ${name}${process === undefined ? "" : " (fresh process)"}: ${held.open} streams open, ` +
        `RSS ${held.measured.rssMb.toFixed(1)} MB`,
    );
    await process?.stop();
  }
  return { slowStreams: settings.slowStreams, byTarget };
}
