import { Pool } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Protocol } from "../../src/core/model/protocol.js";
import type { RunningGateway } from "../../src/host/control/kernel.js";
import { type MockUpstream, startMockUpstream } from "../../src/mock/server.js";
import { mockProvidersConfig, startTestGateway } from "../support/gateway.js";
import { canCountSockets, openSockets, settledHeapUsed, socketStates, waitFor } from "./support/host.js";
import { logLoad, quantile } from "./support/load.js";
import { generationRequest, successProblem } from "./support/wire.js";

/**
 * Soak: tens of thousands of requests, a quarter of them abandoned by the client at a random
 * moment (before the answer, after the headers, mid-stream). Afterwards nothing may be left
 * behind: no permit held, no socket open, no heap growth.
 */

const TOTAL = 20_000;
const TIME_CAP_MS = 20_000;
/** At least this many must run even on a slow, shared machine, for the checks to mean anything. */
const MINIMUM = 2_000;
const WARM_UP = 1_000;
const CONCURRENCY = 48;
const ANSWER = "soak-answer";

/** Passthrough and converted paths, streamed and not. */
const MIX: { protocol: Protocol; model: string; stream: boolean }[] = [
  { protocol: "anthropic", model: "claude-model", stream: true },
  { protocol: "anthropic", model: "claude-model", stream: false },
  { protocol: "openai-chat", model: "chat-model", stream: true },
  { protocol: "openai-chat", model: "claude-model", stream: true },
  { protocol: "openai-chat", model: "gemini-model", stream: false },
  { protocol: "gemini", model: "chat-model", stream: true },
  { protocol: "openai-responses", model: "claude-model", stream: true },
  { protocol: "anthropic", model: "chat-model", stream: false },
];

type AbortKind = "none" | "timer" | "after-headers" | "after-first-chunk";

/** A small seeded generator (mulberry32), so a failing run can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let mock: MockUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  mock = await startMockUpstream({ recordRequests: false });
  // Streams take a few ms, so aborts land mid-stream as often as before or after it.
  mock.setDefault({ steps: [{ type: "text", text: ANSWER }], chunkDelayMs: 1 });
  gateway = await startTestGateway(mockProvidersConfig(mock.url));
});

afterAll(async () => {
  await gateway.stop(1_000);
  await mock.close();
});

interface SoakResult {
  done: number;
  aborted: number;
  failures: string[];
  failureCount: number;
  byKind: Record<AbortKind, number>;
  latenciesMs: number[];
  elapsedMs: number;
}

/** `count` requests over `concurrency` workers, stopping early at `timeCapMs`. */
async function soak(client: Pool, count: number, timeCapMs: number, seed: number): Promise<SoakResult> {
  const random = seededRandom(seed);
  const result: SoakResult = {
    done: 0,
    aborted: 0,
    failures: [],
    failureCount: 0,
    byKind: { none: 0, timer: 0, "after-headers": 0, "after-first-chunk": 0 },
    latenciesMs: [],
    elapsedMs: 0,
  };
  const began = performance.now();
  let next = 0;
  const one = async (index: number): Promise<void> => {
    const { protocol, model, stream } = MIX[index % MIX.length]!;
    const roll = random();
    const kind: AbortKind =
      roll < 0.75 ? "none" : roll < 0.85 ? "timer" : roll < 0.92 ? "after-headers" : "after-first-chunk";
    result.byKind[kind]++;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    if (kind === "timer") timer = setTimeout(() => controller.abort(), Math.floor(random() * 12));
    const wire = generationRequest(protocol, model, stream);
    const started = performance.now();
    try {
      const response = await client.request({
        path: wire.path,
        method: "POST",
        headers: wire.headers,
        body: wire.body,
        signal: controller.signal,
      });
      if (kind === "after-headers") {
        controller.abort();
        response.body.destroy();
        result.aborted++;
        return;
      }
      if (kind === "after-first-chunk") {
        for await (const _chunk of response.body) {
          controller.abort();
          break;
        }
        result.aborted++;
        return;
      }
      const text = await response.body.text();
      const problem = successProblem(protocol, stream, response.statusCode, text, ANSWER);
      if (problem !== undefined)
        throw new Error(`${protocol} ${model}${stream ? " stream" : ""}: ${problem}`);
      result.latenciesMs.push(performance.now() - started);
    } catch (error) {
      if (controller.signal.aborted) {
        result.aborted++;
        return;
      }
      result.failureCount++;
      if (result.failures.length < 10) result.failures.push(String(error));
    } finally {
      clearTimeout(timer);
      result.done++;
    }
  };
  const worker = async () => {
    while (next < count && performance.now() - began < timeCapMs) await one(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  result.elapsedMs = Math.round(performance.now() - began);
  return result;
}

function totalInFlight(): number {
  return gateway.app.providers.all().reduce((sum, provider) => sum + provider.pool.totalInFlight(), 0);
}

function gatewayConnections(): Promise<number> {
  return new Promise((resolve, reject) =>
    gateway.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}

describe(`soak: ${TOTAL} requests, a quarter abandoned by the client`, () => {
  it("leaves no permit, socket or heap behind", { timeout: 55_000 }, async () => {
    const warmUpClient = new Pool(gateway.url, { connections: CONCURRENCY });
    const warm = await soak(warmUpClient, WARM_UP, 10_000, 1);
    await warmUpClient.close();
    expect(warm.failures).toEqual([]);
    const heapBefore = await settledHeapUsed();

    const client = new Pool(gateway.url, { connections: CONCURRENCY });
    const cpuBefore = process.cpuUsage();
    const result = await soak(client, TOTAL, TIME_CAP_MS, 42);
    const cpu = process.cpuUsage(cpuBefore);
    logLoad(
      `soak cpu: ${((cpu.user + cpu.system) / 1000 / result.done).toFixed(2)} ms per request (client, gateway and mock together)`,
    );
    const rate = Math.round((result.done * 1000) / result.elapsedMs);
    logLoad(
      `soak: ${result.done} requests in ${result.elapsedMs} ms (${rate}/s), ${result.aborted} aborted ` +
        `${JSON.stringify(result.byKind)}, ${result.failureCount} failed; completed p50 ` +
        `${quantile(result.latenciesMs, 0.5).toFixed(1)} ms, p99 ${quantile(result.latenciesMs, 0.99).toFixed(1)} ms`,
    );

    // Every request that was not abandoned got its whole answer.
    expect(result.failures).toEqual([]);
    expect(result.done).toBeGreaterThanOrEqual(Math.min(TOTAL, MINIMUM));
    expect(result.aborted).toBeGreaterThan(result.done / 10);

    // Every lease given back.
    expect(await waitFor(() => totalInFlight() === 0, 5_000)).toBe(true);

    // Client sockets closed: the gateway holds none.
    await client.close();
    expect(await waitFor(async () => (await gatewayConnections()) === 0, 5_000)).toBe(true);

    // Upstream side: idle keep-alive sockets may stay, but no more than the peak concurrency, and
    // none half-closed (CLOSE_WAIT: a peer hung up and nobody closed our end).
    if (canCountSockets) {
      logLoad(
        `soak sockets to the mock: ${JSON.stringify(Object.fromEntries(socketStates(mock.port, "remote")))} ` +
          `(gateway side), ${JSON.stringify(Object.fromEntries(socketStates(mock.port, "local")))} (mock side)`,
      );
      expect(openSockets(mock.port, "remote")).toBeLessThanOrEqual(CONCURRENCY * 2);
      expect(socketStates(mock.port, "remote").get("CLOSE_WAIT") ?? 0).toBe(0);
      expect(socketStates(mock.port, "local").get("CLOSE_WAIT") ?? 0).toBe(0);
    }

    // Heap back near its start (after full collections).
    const heapAfter = await settledHeapUsed();
    const growthMb = (heapAfter - heapBefore) / 1024 / 1024;
    logLoad(
      `soak heap: ${(heapBefore / 1024 / 1024).toFixed(1)} MB after warm-up, ` +
        `${(heapAfter / 1024 / 1024).toFixed(1)} MB after the soak (${growthMb.toFixed(2)} MB)`,
    );
    expect(growthMb).toBeLessThan(5);

    // Nothing in flight: a stop with a long grace period returns at once, and every upstream socket closes.
    const stopping = performance.now();
    await gateway.stop(10_000);
    expect(performance.now() - stopping).toBeLessThan(2_000);
    if (canCountSockets) {
      expect(await waitFor(() => openSockets(mock.port, "local") === 0, 3_000)).toBe(true);
      expect(openSockets(mock.port, "remote")).toBe(0);
    }
  });
});
