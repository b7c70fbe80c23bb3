// In-process micro benchmarks of the pure core, run in their own (pinned) process:
//   1. stream conversion for all 16 upstream -> client protocol pairs, in events per second
//   2. a ~100 KB Claude-Code-sized request: Anthropic in, OpenAI Chat out, CPU per request
//   3. (hook) routing / classification of a 100k-token prompt, once the router lands
//   node bench/micro.mjs [--reps N] [--budget-ms MS]   -> one JSON object on stdout
import { randomUUID } from "node:crypto";
import { closeSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseJsonOrThrow } from "../dist/core/json/safe-parse.js";
import { ADAPTERS } from "../dist/core/protocols/registry.js";
import { SseDecoder } from "../dist/core/sse/decoder.js";
import { hostContext } from "../dist/host/control/kernel.js";
import { createLogger, logLine } from "../dist/host/telemetry/logger.js";
import { RequestLog, requestLineMembers } from "../dist/host/telemetry/request-log.js";
import { renderMockResponse } from "../dist/mock/render/mock-response.js";
import { claudeCodeRequest } from "./claude-code-request.mjs";
import { benchRoutingClassification } from "./routing-bench.mjs";
import { PROTOCOLS } from "./scenarios.mjs";
import { summarizeFields } from "./stats.mjs";

/** @typedef {import("./scenarios.mjs").Protocol} Protocol */

/**
 * @param {string} name
 * @param {number} fallback
 */
function argument(name, fallback) {
  const index = process.argv.indexOf(name);
  const value = index === -1 ? undefined : Number(process.argv[index + 1]);
  return value !== undefined && Number.isFinite(value) ? value : fallback;
}

const REPS = argument("--reps", 3);
const BUDGET_MS = argument("--budget-ms", 300);
const core = hostContext();

/** A realistic mixed answer: signed thinking, 200 text deltas, then a tool call in fragments. */
const STREAM_SCRIPT = {
  steps: [
    {
      type: "thinking",
      text: "Let me think about the request step by step. ".repeat(10),
      deltas: 20,
      signature: "sig-bench",
    },
    { type: "text", text: Array.from({ length: 200 }, (_, index) => `word${index} `).join(""), deltas: 200 },
    {
      type: "tool-calls",
      calls: [
        { name: "read_file", arguments: { path: "/work/src/index.ts", lines: [1, 200] }, fragments: 10 },
      ],
    },
  ],
  usage: { input: 1200, output: 400, cacheRead: 800 },
};

/**
 * The upstream's wire stream for STREAM_SCRIPT, one Buffer per frame (each as its own read).
 * @param {Protocol} upstream
 */
function upstreamChunks(upstream) {
  const rendering = renderMockResponse(
    upstream,
    STREAM_SCRIPT,
    { model: "bench-model", created: 1_700_000_000, seed: "1", includeUsage: true },
    { stream: true },
  );
  if (rendering.kind !== "stream") throw new Error(`${upstream}: expected a stream rendering`);
  return rendering.frames.map((/** @type {string} */ frame) => Buffer.from(frame, "utf8"));
}

/**
 * Convert one whole stream; returns canonical events and client bytes.
 * @param {Protocol} upstream
 * @param {Protocol} client
 * @param {readonly Buffer[]} chunks
 */
function convertOnce(upstream, client, chunks) {
  let events = 0;
  let bytes = 0;
  const encoder = ADAPTERS[client].createStreamEncoder(
    { model: "client-model", includeUsage: true },
    core,
    (/** @type {string} */ text) => {
      bytes += text.length;
    },
  );
  const decoder = ADAPTERS[upstream].createStreamDecoder(core, (/** @type {unknown} */ event) => {
    events++;
    encoder.push(event);
  });
  const framer = new SseDecoder((/** @type {unknown} */ frame) => decoder.push(frame));
  for (const chunk of chunks) framer.push(chunk);
  framer.end();
  decoder.end();
  encoder.end();
  return { events, bytes };
}

/**
 * Run `once` repeatedly for about `budgetMs` (at most `maxIterations`); CPU microseconds per call.
 * @param {() => void} once
 * @param {number} budgetMs
 * @param {number} maxIterations
 */
function timeLoop(once, budgetMs, maxIterations) {
  const deadline = performance.now() + budgetMs;
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  let iterations = 0;
  while (iterations < maxIterations && (iterations === 0 || performance.now() < deadline)) {
    once();
    iterations++;
  }
  const cpu = process.cpuUsage(cpuBefore);
  return {
    iterations,
    cpuUs: (cpu.user + cpu.system) / iterations,
    wallUs: ((performance.now() - wallBefore) * 1000) / iterations,
  };
}

function measureConversions() {
  /** @type {Record<string, unknown>} */
  const pairs = {};
  for (const upstream of PROTOCOLS) {
    const chunks = upstreamChunks(upstream);
    for (const client of PROTOCOLS) {
      const sample = convertOnce(upstream, client, chunks);
      timeLoop(() => convertOnce(upstream, client, chunks), BUDGET_MS / 3, 100_000);
      const runs = [];
      for (let rep = 0; rep < REPS; rep++) {
        const timed = timeLoop(() => convertOnce(upstream, client, chunks), BUDGET_MS, 100_000);
        runs.push({
          eventsPerSecond: (sample.events * 1_000_000) / timed.cpuUs,
          framesPerSecond: (chunks.length * 1_000_000) / timed.cpuUs,
          cpuUsPerEvent: timed.cpuUs / sample.events,
          cpuUsPerFrame: timed.cpuUs / chunks.length,
          cpuUsPerStream: timed.cpuUs,
        });
      }
      pairs[`${upstream} -> ${client}`] = {
        upstream,
        client,
        upstreamFrames: chunks.length,
        canonicalEvents: sample.events,
        clientBytes: sample.bytes,
        ...summarizeFields(runs),
      };
    }
  }
  return pairs;
}

/** Anthropic body in (raw bytes) -> canonical -> OpenAI Chat body out (text), as the converted path does it. */
function measureBigRequest() {
  const raw = Buffer.from(
    JSON.stringify({ ...claudeCodeRequest(), model: "chat-big", stream: true }),
    "utf8",
  );
  const anthropic = ADAPTERS.anthropic;
  const chat = ADAPTERS["openai-chat"];
  const phases = { parseUs: 0, decodeUs: 0, encodeUs: 0, stringifyUs: 0 };
  let warnings = 0;
  let outBytes = 0;
  const once = () => {
    let mark = performance.now();
    const body = parseJsonOrThrow(raw.toString("utf8"), "client");
    let now = performance.now();
    phases.parseUs += (now - mark) * 1000;
    mark = now;
    const decoded = anthropic.decodeRequest(body, {}, core);
    now = performance.now();
    phases.decodeUs += (now - mark) * 1000;
    mark = now;
    const encoded = chat.encodeRequest(decoded.request, { model: "upstream-model" }, core);
    now = performance.now();
    phases.encodeUs += (now - mark) * 1000;
    mark = now;
    outBytes = JSON.stringify(encoded.body).length;
    phases.stringifyUs += (performance.now() - mark) * 1000;
    warnings = decoded.warnings.length + encoded.warnings.length;
  };
  const reference = () => JSON.stringify(JSON.parse(raw.toString("utf8")));
  timeLoop(once, BUDGET_MS, 10_000);
  timeLoop(reference, BUDGET_MS / 3, 10_000);
  const runs = [];
  for (let rep = 0; rep < REPS; rep++) {
    for (const key of Object.keys(phases)) phases[/** @type {keyof typeof phases} */ (key)] = 0;
    const timed = timeLoop(once, BUDGET_MS * 2, 10_000);
    const parseOnly = timeLoop(reference, BUDGET_MS, 10_000);
    runs.push({
      cpuUsPerRequest: timed.cpuUs,
      parseUs: phases.parseUs / timed.iterations,
      decodeUs: phases.decodeUs / timed.iterations,
      encodeUs: phases.encodeUs / timed.iterations,
      stringifyUs: phases.stringifyUs / timed.iterations,
      jsonParseStringifyOnlyUs: parseOnly.cpuUs,
    });
  }
  return { requestBytes: raw.length, upstreamBytes: outBytes, warnings, ...summarizeFields(runs) };
}

/** A small passthrough request's log, filled in as the pipeline fills it. */
function requestLog() {
  const log = new RequestLog();
  log.model = "chat-small";
  log.route = "chat-small";
  log.routeReason = "model chat-small: direct target";
  log.selection = "as listed";
  log.attempts = 1;
  log.target = "chat/chat-small";
  log.credential = "chat-key";
  log.upstreamProtocol = "openai-chat";
  log.mode = "passthrough";
  log.stream = false;
  log.status = 200;
  log.ttfbMs = 0.4213;
  log.usage = {
    inputTokens: 12,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 12,
    reasoningTokens: 0,
  };
  log.finishReason = "stop";
  return log;
}

/**
 * CPU per request log line with llmux's logger (level info, to a file), one line per turn of
 * the event loop as a server writes them, against the same loop with logging silent.
 */
async function measureLogging() {
  const dir = mkdtempSync(join(tmpdir(), "llmux-bench-log-"));
  /** @param {string} level */
  const run = async (level) => {
    const fd = openSync(join(dir, `${level}.log`), "w");
    const logger = createLogger({ level, destination: fd });
    const lines = 3000;
    const before = process.cpuUsage();
    for (let index = 0; index < lines; index++) {
      // As src/host/server/http-server.ts writes it when a response closes.
      const head = {
        reqId: randomUUID(),
        method: "POST",
        path: "/v1/chat/completions",
        protocol: "openai-chat",
        tenant: undefined,
      };
      logLine(logger, "info", requestLineMembers(head, requestLog(), 0.6123, false), "request");
      await new Promise((resolve) => setImmediate(resolve));
    }
    await new Promise((resolve) => logger.flush(() => resolve(undefined)));
    const used = process.cpuUsage(before);
    closeSync(fd);
    return (used.user + used.system) / lines;
  };
  await run("info");
  const runs = [];
  for (let rep = 0; rep < REPS; rep++) {
    const info = await run("info");
    const silent = await run("silent");
    runs.push({ cpuUsPerLine: info - silent, loopOnlyUs: silent });
  }
  rmSync(dir, { recursive: true, force: true });
  return summarizeFields(runs);
}

const started = performance.now();
const result = {
  reps: REPS,
  budgetMs: BUDGET_MS,
  conversions: measureConversions(),
  bigRequest: measureBigRequest(),
  routing: benchRoutingClassification({ reps: REPS, budgetMs: BUDGET_MS }),
  logging: await measureLogging(),
  elapsedMs: performance.now() - started,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
