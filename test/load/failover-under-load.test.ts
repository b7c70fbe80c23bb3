import { Pool } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Protocol } from "../../src/core/model/protocol.js";
import type { RunningGateway } from "../../src/host/control/kernel.js";
import type { MockScript } from "../../src/mock/script.js";
import { type MockUpstream, startMockUpstream } from "../../src/mock/server.js";
import { startTestGateway } from "../support/gateway.js";
import { type RawUpstream, startRawUpstream, waitFor } from "./support/host.js";
import { describeLoad, type LoadReport, logLoad, runLoad } from "./support/load.js";
import { generationRequest, successProblem } from "./support/wire.js";

/**
 * Failover under load: a few hundred requests per second for five seconds against a route whose
 * first targets fail in every scripted way, with a healthy target last. The client must never
 * see an error, and the failing credentials must end up resting instead of being tried by
 * every request.
 */

const RATE = 200;
const DURATION_MS = 5_000;
const FIRST_BYTE_MS = 250;
const ANSWER = "healthy answer";
/** Longer than the whole file can take, so the 429 credential is still resting when checked. */
const RETRY_AFTER_S = 120;

/** The first target's credentials, each failing one way (by the key the mock sees). */
const FAILING: Record<string, MockScript> = {
  "key-429": { error: { status: 429, retryAfterSeconds: RETRY_AFTER_S } },
  "key-500": { error: { status: 500 } },
  // Far past the first-byte timeout: undici runs its headers timer at ~0.5-1 s resolution, and a
  // loaded event loop adds to that; headers that come in before it fires are (rightly) served.
  "key-slow": { steps: [{ type: "text", text: "too late" }], headerDelayMs: 20 * FIRST_BYTE_MS },
  // Headers, then the socket is destroyed: no byte of a body (stream) or half of it (JSON).
  "key-drop": { steps: [{ type: "text", text: "cut" }], disconnectAfterChunks: 0 },
};

/** Inbound mix: passthrough (Anthropic in) and converted (OpenAI chat in), streamed and not. */
const MIX: { protocol: Protocol; stream: boolean }[] = [
  { protocol: "anthropic", stream: true },
  { protocol: "anthropic", stream: false },
  { protocol: "openai-chat", stream: true },
  { protocol: "openai-chat", stream: false },
];

let mock: MockUpstream;
let resets: RawUpstream;
let gateway: RunningGateway;
let client: Pool;
let report: LoadReport;
const upstreamHits = new Map<string, number>();
const attemptsSeen = new Map<string, number>();

beforeAll(async () => {
  mock = await startMockUpstream({ recordRequests: false });
  mock.setDefault((request) => {
    const key = String(request.headers["x-api-key"]);
    upstreamHits.set(key, (upstreamHits.get(key) ?? 0) + 1);
    const failing = FAILING[key];
    if (failing !== undefined) return failing;
    return { steps: [{ type: "text", text: ANSWER }] };
  });
  // A connection reset: the request arrives, the socket answers with RST.
  resets = await startRawUpstream((request) => {
    upstreamHits.set("key-reset", (upstreamHits.get("key-reset") ?? 0) + 1);
    request.socket.resetAndDestroy();
  });
  gateway = await startTestGateway({
    providers: {
      flaky: {
        kind: "anthropic",
        baseUrl: mock.url,
        credentials: Object.keys(FAILING).map((key) => ({ id: key.slice(4), apiKey: key })),
        models: { claude: { upstream: "flaky-model" } },
        timeouts: { firstByteMs: FIRST_BYTE_MS },
      },
      resets: {
        kind: "anthropic",
        baseUrl: resets.url,
        credentials: [{ id: "reset", apiKey: "key-reset" }],
        models: { claude: { upstream: "reset-model" } },
      },
      healthy: {
        kind: "anthropic",
        baseUrl: mock.url,
        credentials: [{ id: "good", apiKey: "key-good" }],
        models: { claude: { upstream: "healthy-model" } },
      },
    },
    routes: { default: ["flaky/claude", "resets/claude", "healthy/claude"] },
    failover: { backoffBaseMs: 10, backoffMaxMs: 50, queueTimeoutMs: 2_000 },
  });
  client = new Pool(gateway.url, { connections: 1_024, headersTimeout: 30_000, bodyTimeout: 30_000 });

  const cpuBefore = process.cpuUsage();
  report = await runLoad({
    ratePerSecond: RATE,
    durationMs: DURATION_MS,
    maxRequests: Math.ceil((RATE * DURATION_MS) / 1000),
    maxInFlight: 1_500,
    drainMs: 30_000,
    send: async (index) => {
      const { protocol, stream } = MIX[index % MIX.length]!;
      const wire = generationRequest(protocol, "claude", stream);
      const response = await client.request({
        path: wire.path,
        method: "POST",
        headers: wire.headers,
        body: wire.body,
      });
      const text = await response.body.text();
      const attempts = String(response.headers["x-llmux-attempts"]);
      attemptsSeen.set(attempts, (attemptsSeen.get(attempts) ?? 0) + 1);
      const problem = successProblem(protocol, stream, response.statusCode, text, ANSWER);
      if (problem !== undefined) return `${protocol}${stream ? " stream" : ""}: ${problem}`;
      const target = response.headers["x-llmux-target"];
      return target === "healthy/healthy-model" ? undefined : `served by ${String(target)}`;
    },
  });
  const cpu = process.cpuUsage(cpuBefore);
  logLoad(describeLoad("failover under load", report));
  logLoad(`cpu: ${((cpu.user + cpu.system) / 1000 / report.started).toFixed(2)} ms per request, all in`);
  logLoad(`attempts per request: ${JSON.stringify(Object.fromEntries(attemptsSeen))}`);
  logLoad(`upstream hits by key: ${JSON.stringify(Object.fromEntries(upstreamHits))}`);
}, 50_000);

afterAll(async () => {
  await client?.close();
  await gateway?.stop(1_000);
  await resets?.close();
  await mock?.close();
});

interface CredentialView {
  provider: string;
  id: string;
  inFlight: number;
  cooldown: { reason: string; until: string } | null;
  consecutiveErrors: number;
  lastError: string | null;
  lastErrorAt: string | null;
}

async function credentialState(id: string): Promise<CredentialView> {
  const response = await fetch(`${gateway.url}/admin/credentials`);
  const body = (await response.json()) as { credentials: CredentialView[] };
  const found = body.credentials.find((credential) => credential.id === id);
  if (found === undefined) throw new Error(`no credential ${id}`);
  return found;
}

describe(`failover under load (${RATE} req/s for ${DURATION_MS / 1000} s; first targets failing every way)`, () => {
  it("carries the load: every request started, none left hanging", () => {
    expect(report.shed).toBe(0);
    expect(report.unfinished).toBe(0);
    expect(report.started).toBeGreaterThanOrEqual(Math.floor((RATE * DURATION_MS) / 1000) - RATE / 10);
    expect(report.achievedRate).toBeGreaterThan(RATE * 0.8);
  });

  it("zero client-visible errors: every answer is complete and came from the healthy target", () => {
    expect(report.failures).toEqual([]);
    expect(report.succeeded).toBe(report.started);
  });

  it("every failure mode was met by real requests", () => {
    for (const key of [...Object.keys(FAILING), "key-reset"]) {
      expect(upstreamHits.get(key) ?? 0, key).toBeGreaterThan(0);
    }
  });

  it("the credential answering 429 with Retry-After rests for that long", async () => {
    const state = await credentialState("429");
    expect(state.cooldown?.reason).toBe("rate-limit");
    expect(state.lastErrorAt).not.toBeNull();
    // The rest the server asked for, counted from the 429.
    const rest = Date.parse(state.cooldown!.until) - Date.parse(state.lastErrorAt!);
    expect(rest).toBeGreaterThan(0.9 * RETRY_AFTER_S * 1000);
    // Cooling down, it is no longer tried: a handful of 429s (those already in flight), not one per request.
    expect(upstreamHits.get("key-429")).toBeLessThan(20);
  });

  // 5xx, connection resets, first-byte timeouts and drops before the first byte: after a run of
  // them a credential rests, so requests stop paying the failure (e.g. a whole first-byte timeout).
  for (const [id, mode] of [
    ["500", "HTTP 500"],
    ["slow", "slow headers past the first-byte timeout"],
    ["drop", "a disconnect before the first byte"],
    ["reset", "connection resets"],
  ] as const) {
    it(`a credential failing with ${mode} on every request ends up cooling down`, async () => {
      const state = await credentialState(id);
      expect(state.consecutiveErrors).toBeGreaterThan(0);
      expect(state.cooldown).not.toBeNull();
    });
  }

  it("a credential that always fails stops costing every request an attempt", () => {
    // With failing credentials resting, most requests go straight to the healthy target.
    const direct = attemptsSeen.get("1") ?? 0;
    expect(direct).toBeGreaterThan(report.started / 2);
  });

  it("afterwards: no permit held, the admin API and /health still answer", async () => {
    const settled = await waitFor(
      () => gateway.app.providers.all().every((provider) => provider.pool.totalInFlight() === 0),
      2_000,
    );
    expect(settled).toBe(true);
    expect((await credentialState("good")).cooldown).toBeNull();
    const health = await fetch(`${gateway.url}/health`);
    expect(health.status).toBe(200);
  });
});
