// Load against one target URL: sequential latency, autocannon throughput, streaming timings, and
// many slow streams held open. Every loop is bounded by a count and a deadline.
import { setMaxListeners } from "node:events";
import autocannon from "autocannon";
import { Pool } from "undici";
import { percentile } from "./stats.mjs";

/** @typedef {import("./scenarios.mjs").WireRequest} WireRequest */

/** No response may stall a measurement for longer than this (headers, or between body chunks). */
const STALL_LIMITS = { headersTimeout: 30_000, bodyTimeout: 30_000 };

/**
 * @param {Pool} pool
 * @param {WireRequest} request
 */
async function sendOnce(pool, request) {
  const response = await pool.request({
    path: request.path,
    method: "POST",
    headers: request.headers,
    body: request.body,
  });
  let bytes = 0;
  for await (const chunk of response.body) bytes += /** @type {Buffer} */ (chunk).length;
  return { status: response.statusCode, bytes };
}

/**
 * `count` requests one after another on one keep-alive connection (after `warmup` unmeasured
 * ones); latency from sending to the last body byte.
 * @param {string} origin
 * @param {WireRequest} request
 * @param {{ count: number, warmup: number, deadlineMs: number }} options
 */
export async function measureSequential(origin, request, options) {
  const pool = new Pool(origin, { connections: 1, pipelining: 1, ...STALL_LIMITS });
  /** @type {number[]} */
  const latencies = [];
  let errors = 0;
  const deadline = performance.now() + options.deadlineMs;
  try {
    for (let index = 0; index < options.warmup + options.count && performance.now() < deadline; index++) {
      const started = performance.now();
      const { status } = await sendOnce(pool, request);
      const elapsed = performance.now() - started;
      if (status !== 200) errors++;
      if (index >= options.warmup) latencies.push(elapsed);
    }
  } finally {
    await pool.close();
  }
  return {
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    count: latencies.length,
    errors,
  };
}

/**
 * Throughput with autocannon: `connections` clients sending back to back for `seconds`.
 * @param {string} origin
 * @param {WireRequest} request
 * @param {{ connections: number, seconds: number }} options
 */
export async function measureThroughput(origin, request, options) {
  const result = await autocannon({
    url: `${origin}${request.path}`,
    method: "POST",
    headers: request.headers,
    body: request.body,
    connections: options.connections,
    duration: options.seconds,
    pipelining: 1,
  });
  const seconds = result.duration > 0 ? result.duration : options.seconds;
  return {
    rps: result.requests.total / seconds,
    requests: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

/**
 * One stream: time to the first token (the marker's arrival) and to the end of the body.
 * @param {Pool} pool
 * @param {WireRequest} request
 * @param {string} marker
 */
async function streamOnce(pool, request, marker) {
  const started = performance.now();
  const response = await pool.request({
    path: request.path,
    method: "POST",
    headers: request.headers,
    body: request.body,
  });
  let firstTokenMs = Number.NaN;
  // The last 4 characters carry over, so a marker or "data:" split across chunks is seen once.
  let tail = "";
  let frames = 0;
  for await (const chunk of response.body) {
    const text = tail + /** @type {Buffer} */ (chunk).toString("latin1");
    if (Number.isNaN(firstTokenMs) && text.includes(marker)) firstTokenMs = performance.now() - started;
    for (let at = text.indexOf("data:"); at !== -1; at = text.indexOf("data:", at + 5)) frames++;
    tail = text.slice(-4);
  }
  return { status: response.statusCode, firstTokenMs, totalMs: performance.now() - started, frames };
}

/**
 * `concurrency` clients each streaming back to back until `seconds` have passed (at most
 * `maxStreams` streams in all).
 * @param {string} origin
 * @param {WireRequest} request
 * @param {{ concurrency: number, seconds: number, marker: string, maxStreams: number }} options
 */
export async function measureStreams(origin, request, options) {
  const pool = new Pool(origin, { connections: options.concurrency, pipelining: 1, ...STALL_LIMITS });
  /** @type {number[]} */
  const firstToken = [];
  /** @type {number[]} */
  const total = [];
  let errors = 0;
  let frames = 0;
  let started = 0;
  const deadline = performance.now() + options.seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline && started < options.maxStreams) {
      started++;
      try {
        const result = await streamOnce(pool, request, options.marker);
        if (result.status !== 200 || Number.isNaN(result.firstTokenMs)) errors++;
        else {
          firstToken.push(result.firstTokenMs);
          total.push(result.totalMs);
          frames += result.frames;
        }
      } catch {
        errors++;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    await pool.close();
  }
  return {
    streams: total.length,
    frames,
    firstTokenP50Ms: percentile(firstToken, 50),
    firstTokenP99Ms: percentile(firstToken, 99),
    totalP50Ms: percentile(total, 50),
    totalP99Ms: percentile(total, 99),
    errors,
  };
}

/**
 * Open `count` slow streams at once (in batches, so the listen backlog never overflows), wait
 * until every one has delivered its first bytes, call `sample`, then cut them all.
 * @template T
 * @param {string} origin
 * @param {WireRequest} request
 * @param {{ count: number, batch: number, timeoutMs: number }} options
 * @param {() => T} sample
 */
export async function holdSlowStreams(origin, request, options, sample) {
  const pool = new Pool(origin, { connections: options.count, pipelining: 1, ...STALL_LIMITS });
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  let open = 0;
  let failed = 0;
  /** @type {Promise<void>[]} */
  const streams = [];
  const deadline = performance.now() + options.timeoutMs;
  const openOne = () =>
    new Promise((resolve) => {
      // A stream that never starts must not hold the batch (and the run) forever.
      setTimeout(resolve, Math.max(0, deadline - performance.now())).unref();
      const stream = (async () => {
        try {
          const response = await pool.request({
            path: request.path,
            method: "POST",
            headers: request.headers,
            body: request.body,
            signal: controller.signal,
          });
          let first = true;
          for await (const _chunk of response.body) {
            if (first) {
              first = false;
              if (response.statusCode === 200) open++;
              else failed++;
              resolve(undefined);
            }
          }
        } catch {
          // aborted at the end (or failed): counted below when it never opened
        }
        resolve(undefined);
      })();
      streams.push(stream);
    });
  for (let index = 0; index < options.count && performance.now() < deadline; index += options.batch) {
    const batch = Math.min(options.batch, options.count - index);
    await Promise.all(Array.from({ length: batch }, openOne));
  }
  const measured = sample();
  controller.abort();
  await pool.destroy();
  await Promise.allSettled(streams);
  return { open, failed: Math.max(failed, options.count - open), measured };
}
