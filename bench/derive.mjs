// From per-repetition measurements to summaries: medians with spread, added latency against the
// direct call, and ratios against the floor, each computed within one repetition first.
import { LATENCY_CASES } from "./scenarios.mjs";
import { ratio, summarize } from "./stats.mjs";

/** @typedef {import("./stats.mjs").Summary} Summary */
/** @typedef {Record<string, Record<string, number>[]>} Runs */
/**
 * What micro.mjs prints.
 * @typedef {object} MicroResult
 * @property {Record<string, { upstreamFrames: number, canonicalEvents: number, eventsPerSecond: Summary, cpuUsPerEvent: Summary, cpuUsPerFrame: Summary }>} conversions
 * @property {{ requestBytes: number, cpuUsPerRequest: Summary, parseUs: Summary, decodeUs: Summary, encodeUs: Summary, stringifyUs: Summary, jsonParseStringifyOnlyUs: Summary }} bigRequest
 * @property {{ status: string, note: string, estimatedTokens?: number, nearMethod?: string, decodeUs?: Summary, routeFarUs?: Summary, routeNearUs?: Summary }} routing
 * @property {{ cpuUsPerLine: Summary, loopOnlyUs: Summary }} [logging]
 */
/**
 * Everything the report shows.
 * @typedef {object} Derived
 * @property {ReturnType<typeof deriveLatency>} [latency]
 * @property {Record<string, ReturnType<typeof deriveThroughput>>} [throughput]
 * @property {Record<string, ReturnType<typeof deriveStreaming>>} [streaming]
 * @property {Record<string, number>} [memory]
 * @property {MicroResult} [micro]
 * @property {TargetCheck[]} [targets]
 * @property {ReturnType<typeof backgroundLoad>} [background]
 */

/**
 * One field across repetitions of one series.
 * @param {Runs} runs
 * @param {string} key
 * @param {string} field
 * @returns {number[]}
 */
function series(runs, key, field) {
  return (runs[key] ?? []).map((run) => run[field] ?? Number.NaN);
}

/**
 * Pairwise (same repetition) combination of two series.
 * @param {number[]} a
 * @param {number[]} b
 * @param {(x: number, y: number) => number} combine
 */
function pairwise(a, b, combine) {
  return a.map((value, index) => combine(value, b[index] ?? Number.NaN));
}

/**
 * The targets measured under `prefix` ("small c=16 floor" -> "floor"), in the order measured.
 * @param {Runs} runs
 * @param {string} prefix
 */
function targetNames(runs, prefix) {
  return Object.keys(runs)
    .filter((key) => key.startsWith(`${prefix} `))
    .map((key) => key.slice(prefix.length + 1));
}

/**
 * @param {Runs} runs
 */
export function deriveLatency(runs) {
  return LATENCY_CASES.map((entry) => {
    const direct50 = series(runs, `direct ${entry.upstream}`, "p50Ms");
    const direct99 = series(runs, `direct ${entry.upstream}`, "p99Ms");
    const floor50 = series(runs, `floor ${entry.upstream}`, "p50Ms");
    const floor99 = series(runs, `floor ${entry.upstream}`, "p99Ms");
    const llmux50 = series(runs, `llmux ${entry.name}`, "p50Ms");
    const llmux99 = series(runs, `llmux ${entry.name}`, "p99Ms");
    const minus = (/** @type {number} */ x, /** @type {number} */ y) => x - y;
    const floorAdded50 = pairwise(floor50, direct50, minus);
    const llmuxAdded50 = pairwise(llmux50, direct50, minus);
    return {
      case: entry.name,
      directP50Ms: summarize(direct50),
      directP99Ms: summarize(direct99),
      floorAddedP50Ms: summarize(floorAdded50),
      floorAddedP99Ms: summarize(pairwise(floor99, direct99, minus)),
      llmuxAddedP50Ms: summarize(llmuxAdded50),
      llmuxAddedP99Ms: summarize(pairwise(llmux99, direct99, minus)),
      addedVsFloor: summarize(pairwise(llmuxAdded50, floorAdded50, ratio)),
      errors: series(runs, `llmux ${entry.name}`, "errors").reduce((sum, value) => sum + value, 0),
    };
  });
}

/**
 * @param {Runs} runs
 * @param {string} prefix e.g. "small c=16"
 */
export function deriveThroughput(runs, prefix) {
  const floorRps = series(runs, `${prefix} floor`, "rps");
  const floorCpu = series(runs, `${prefix} floor`, "cpuUsPerRequest");
  const directRps = series(runs, `${prefix} direct`, "rps");
  return targetNames(runs, prefix).map((name) => {
    const rps = series(runs, `${prefix} ${name}`, "rps");
    const cpu = series(runs, `${prefix} ${name}`, "cpuUsPerRequest");
    const capacity = cpu.map((value) => 1_000_000 / value);
    return {
      target: name,
      rps: summarize(rps),
      /** Requests per second one core could serve at this CPU cost (load generator limits aside). */
      oneCoreCapacity: summarize(capacity),
      capacityVsFloor: summarize(
        pairwise(
          capacity,
          floorCpu.map((value) => 1_000_000 / value),
          ratio,
        ),
      ),
      rpsVsFloor: summarize(pairwise(rps, floorRps, ratio)),
      rpsVsDirect: summarize(pairwise(rps, directRps, ratio)),
      cpuUsPerRequest: summarize(cpu),
      cpuVsFloor: summarize(pairwise(cpu, floorCpu, ratio)),
      p50Ms: summarize(series(runs, `${prefix} ${name}`, "p50Ms")),
      p99Ms: summarize(series(runs, `${prefix} ${name}`, "p99Ms")),
      errors: series(runs, `${prefix} ${name}`, "errors").reduce((sum, value) => sum + value, 0),
    };
  });
}

/**
 * @param {Runs} runs
 * @param {string} prefix e.g. "paced c=1"
 */
export function deriveStreaming(runs, prefix) {
  const directFirst = series(runs, `${prefix} direct`, "firstTokenP50Ms");
  const directTotal = series(runs, `${prefix} direct`, "totalP50Ms");
  const floorCpu = series(runs, `${prefix} floor`, "cpuUsPerChunk");
  const minus = (/** @type {number} */ x, /** @type {number} */ y) => x - y;
  return targetNames(runs, prefix).map((name) => {
    const first = series(runs, `${prefix} ${name}`, "firstTokenP50Ms");
    const total = series(runs, `${prefix} ${name}`, "totalP50Ms");
    const cpu = series(runs, `${prefix} ${name}`, "cpuUsPerChunk");
    return {
      target: name,
      streams: summarize(series(runs, `${prefix} ${name}`, "streams")),
      firstTokenP50Ms: summarize(first),
      firstTokenP99Ms: summarize(series(runs, `${prefix} ${name}`, "firstTokenP99Ms")),
      addedFirstTokenMs: summarize(pairwise(first, directFirst, minus)),
      totalP50Ms: summarize(total),
      addedTotalMs: summarize(pairwise(total, directTotal, minus)),
      cpuUsPerChunk: summarize(cpu),
      cpuPerChunkVsFloor: summarize(pairwise(cpu, floorCpu, ratio)),
      cpuUsPerStream: summarize(series(runs, `${prefix} ${name}`, "cpuUsPerStream")),
      errors: series(runs, `${prefix} ${name}`, "errors").reduce((sum, value) => sum + value, 0),
    };
  });
}

/**
 * @typedef {{ target: string, limit: string, measured: number, met: boolean | undefined, detail: string }} TargetCheck
 */

/**
 * Issue 6's targets against what this run measured.
 * @param {Derived} derived
 * @returns {TargetCheck[]}
 */
export function checkTargets(derived) {
  /** @type {TargetCheck[]} */
  const checks = [];
  /**
   * @param {string} target
   * @param {string} limit
   * @param {number} measured
   * @param {((value: number) => boolean) | undefined} ok undefined: shown for information
   * @param {string} detail
   */
  const check = (target, limit, measured, ok, detail) => {
    checks.push({
      target,
      limit,
      measured,
      met: ok !== undefined && Number.isFinite(measured) ? ok(measured) : undefined,
      detail,
    });
  };
  const pick = (/** @type {string} */ prefix, /** @type {string} */ name) =>
    derived.throughput?.[prefix]?.find((row) => row.target === name);
  const passthrough16 = pick("small c=16", "llmux passthrough");
  const converted16 = pick("small c=16", "llmux converted");
  const big = pick("100KB c=16", "llmux converted, classified");
  check(
    "passthrough CPU/request vs floor",
    "<= 1.3x",
    passthrough16?.cpuVsFloor.median ?? NaN,
    (v) => v <= 1.3,
    "small, c=16",
  );
  check(
    "passthrough 1-core capacity vs floor",
    ">= 0.75x",
    passthrough16?.capacityVsFloor.median ?? NaN,
    (v) => v >= 0.75,
    "small, c=16: 1e6 / CPU per request (req/s is capped by the load generator's core)",
  );
  check(
    "passthrough req/s vs floor",
    ">= 0.75x",
    passthrough16?.rpsVsFloor.median ?? NaN,
    (v) => v >= 0.75,
    "small, c=16",
  );
  check(
    "converted CPU/request vs floor",
    "<= 1.8x",
    converted16?.cpuVsFloor.median ?? NaN,
    (v) => v <= 1.8,
    "anthropic -> openai-chat, c=16",
  );
  check(
    "100 KB converted + classified: CPU/request (us)",
    "<= 1,500 us",
    big?.cpuUsPerRequest.median ?? NaN,
    (v) => v <= 1500,
    "end to end, gateway process, c=16, through a route with classification",
  );
  // The issue states its absolute limits on its own machine, beside the floor measured there
  // (~225 us for the 100 KB request, ~2 us per stream chunk): as ratios to this run's floor they
  // are 1,500 / 225 = 6.7x and 5 / 2 = 2.5x, which compare across machines.
  check(
    "100 KB converted + classified: CPU vs floor",
    "<= 6.7x (1.5 ms / 225 us)",
    big?.cpuVsFloor.median ?? NaN,
    (v) => v <= 1500 / 225,
    "the same, as a ratio to this run's floor",
  );
  check(
    "100 KB converted: core CPU/request (us)",
    "<= 1,500 us",
    derived.micro?.bigRequest?.cpuUsPerRequest.median ?? NaN,
    (v) => v <= 1500,
    "in-process: parse + decode + encode + stringify (no routing)",
  );
  check(
    "100k-token prompt: routing CPU (us)",
    "(part of 1.5 ms)",
    derived.micro?.routing?.routeFarUs?.median ?? NaN,
    undefined,
    "in-process: token estimate + features + classify + order, far from the threshold",
  );
  const stream = (/** @type {string} */ prefix, /** @type {string} */ name) =>
    derived.streaming?.[prefix]?.find((row) => row.target === name);
  for (const name of ["llmux passthrough", "llmux converted"]) {
    check(
      `${name}: added time to first token (ms)`,
      "< 1 ms",
      stream("paced c=1", name)?.addedFirstTokenMs.median ?? NaN,
      (v) => v < 1,
      "paced 200-event stream, c=1",
    );
  }
  for (const prefix of ["paced c=64", "burst c=64"]) {
    check(
      `converted stream CPU/chunk (us), ${prefix}`,
      "<= 5 us",
      stream(prefix, "llmux converted")?.cpuUsPerChunk.median ?? NaN,
      (v) => v <= 5,
      "per upstream event, request cost included",
    );
    check(
      `converted stream CPU/chunk vs floor, ${prefix}`,
      "<= 2.5x (5 us / 2 us)",
      stream(prefix, "llmux converted")?.cpuPerChunkVsFloor.median ?? NaN,
      (v) => v <= 5 / 2,
      "the same, as a ratio to this run's floor",
    );
  }
  check("idle RSS (MB)", "< 80 MB", derived.memory?.idleRssMb ?? NaN, (v) => v < 80, "gateway after start");
  for (const name of ["llmux passthrough", "llmux converted"]) {
    check(
      `RSS with ${derived.memory?.slowStreams ?? "?"} open streams, ${name} (MB)`,
      "< 200 MB",
      derived.memory?.[`streams ${name}`] ?? NaN,
      (v) => v < 200,
      "slow streams held open, each on a fresh process (target is for 1,000)",
    );
  }
  return checks;
}

/**
 * How much CPU other processes used while each phase measured (cores: max and median of the
 * measurement windows). Above ~0.2 the numbers of that phase are disturbed.
 * @param {Record<string, unknown>} raw
 */
export function backgroundLoad(raw) {
  /** @type {Record<string, { maxCores: number, medianCores: number }>} */
  const result = {};
  for (const [phase, runs] of Object.entries(raw)) {
    if (runs === null || typeof runs !== "object") continue;
    const values = Object.values(/** @type {Runs} */ (runs))
      .filter((list) => Array.isArray(list))
      .flat()
      .map((run) => run.backgroundCores ?? Number.NaN)
      .filter((value) => Number.isFinite(value));
    if (values.length === 0) continue;
    result[phase] = { maxCores: Math.max(...values), medianCores: summarize(values).median };
  }
  return result;
}

/**
 * The series prefixes ("small c=16", "paced c=1" ...) present in a phase's runs, in order.
 * @param {Runs} runs
 */
function prefixesOf(runs) {
  const prefixes = Object.keys(runs)
    .map((key) => /^(\S+ c=\d+) /.exec(key)?.[1])
    .filter((prefix) => prefix !== undefined);
  return [...new Set(prefixes)];
}

/**
 * Every end-to-end table from the raw runs (also used to re-render a saved results file).
 * @param {{ latency?: Runs, throughput?: Runs, streaming?: Runs }} raw
 * @returns {Pick<Derived, "latency" | "throughput" | "streaming">}
 */
export function deriveTables(raw) {
  /** @type {Pick<Derived, "latency" | "throughput" | "streaming">} */
  const tables = {};
  if (raw.latency !== undefined) tables.latency = deriveLatency(raw.latency);
  const throughput = raw.throughput;
  if (throughput !== undefined) {
    tables.throughput = Object.fromEntries(
      prefixesOf(throughput).map((prefix) => [prefix, deriveThroughput(throughput, prefix)]),
    );
  }
  const streaming = raw.streaming;
  if (streaming !== undefined) {
    tables.streaming = Object.fromEntries(
      prefixesOf(streaming).map((prefix) => [prefix, deriveStreaming(streaming, prefix)]),
    );
  }
  return tables;
}
