import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningGateway } from "../src/host/control/kernel.js";
import type { MockScript } from "../src/mock/script.js";
import { type MockUpstream, startMockUpstream } from "../src/mock/server.js";
import { resetHealth, startTestGateway } from "./support/gateway.js";

let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream();
});

afterAll(async () => {
  await mock.close();
});

beforeEach(() => mock.reset());

/** Two credentials on one Anthropic-speaking provider, and a second provider as the route's fallback. */
function poolConfig(extra: Record<string, unknown> = {}) {
  return {
    providers: {
      main: {
        kind: "anthropic",
        baseUrl: mock.url,
        credentials: [
          { id: "k1", apiKey: "key-one" },
          { id: "k2", apiKey: "key-two" },
        ],
        models: { claude: { upstream: "main-model" } },
        timeouts: { firstByteMs: 1000 },
      },
      backup: {
        kind: "anthropic",
        baseUrl: mock.url,
        credentials: [{ id: "b1", apiKey: "key-backup" }],
        models: { claude: { upstream: "backup-model" } },
      },
    },
    routes: { default: ["main/claude", "backup/claude"] },
    failover: { backoffBaseMs: 10, backoffMaxMs: 50, queueTimeoutMs: 2000 },
    ...extra,
  };
}

function ask(gateway: RunningGateway, stream = false) {
  return fetch(`${gateway.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
    body: JSON.stringify({
      model: "claude",
      max_tokens: 50,
      stream,
      messages: [{ role: "user", content: "hi" }],
    }),
  });
}

const OK: MockScript = { steps: [{ type: "text", text: "healthy answer" }] };
const keysSeen = () => mock.requests.map((request) => request.headers["x-api-key"]);

async function credentials(gateway: RunningGateway) {
  const response = await fetch(`${gateway.url}/admin/credentials`);
  const body = (await response.json()) as {
    credentials: {
      provider: string;
      id: string;
      inFlight: number;
      cooldown: { reason: string; until: string } | null;
      disabled: boolean;
      consecutiveErrors: number;
      lastError: string | null;
    }[];
  };
  return new Map(
    body.credentials.map((credential) => [`${credential.provider}/${credential.id}`, credential]),
  );
}

describe("failure classes against a real fake upstream", () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startTestGateway(poolConfig());
  });
  afterAll(async () => {
    await gateway.stop(500);
  });
  beforeEach(() => resetHealth(gateway));

  it("429 with Retry-After: that credential rests, the request succeeds through another", async () => {
    mock.enqueue({ error: { status: 429, retryAfterSeconds: 30 } }, OK);
    const response = await ask(gateway);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { content: { text: string }[] }).content[0]!.text).toBe(
      "healthy answer",
    );
    expect(response.headers.get("x-llmux-attempts")).toBe("2");
    const [first, second] = keysSeen();
    expect(first).not.toBe(second);
    const state = await credentials(gateway);
    const rested = [...state.values()].find((credential) => credential.cooldown !== null)!;
    expect(rested.cooldown!.reason).toBe("rate-limit");
    expect(Date.parse(rested.cooldown!.until) - Date.now()).toBeGreaterThan(25_000);
  });

  it("529 overloaded and 500: tries another credential; the client never sees the error", async () => {
    mock.enqueue({ error: { status: 529 } }, { error: { status: 500 } }, OK);
    const response = await ask(gateway);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-llmux-attempts")).toBe("3");
    expect(new Set(keysSeen())).toEqual(new Set(["key-one", "key-two", "key-backup"]));
    expect(response.headers.get("x-llmux-target")).toBe("backup/backup-model");
  });

  it("401 without a way to refresh: the credential cools down (auth) and another serves", async () => {
    mock.enqueue({ error: { status: 401 } }, OK);
    expect((await ask(gateway)).status).toBe(200);
    const rested = [...(await credentials(gateway)).values()].find(
      (credential) => credential.cooldown !== null,
    )!;
    expect(rested.cooldown!.reason).toBe("auth");
  });

  it("402 / quota exhausted: out until the quota resets", async () => {
    mock.enqueue({ error: { status: 402, message: "Your credit balance is too low" } }, OK);
    expect((await ask(gateway)).status).toBe(200);
    const rested = [...(await credentials(gateway)).values()].find(
      (credential) => credential.cooldown !== null,
    )!;
    expect(rested.cooldown!.reason).toBe("quota");
    expect(Date.parse(rested.cooldown!.until)).toBeGreaterThan(Date.now() + 60_000);
  });

  it("404 model not found: that target is skipped for this request, not cooled", async () => {
    mock.enqueue({ error: { status: 404, message: "model: main-model not found" } }, OK);
    const response = await ask(gateway);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-llmux-target")).toBe("backup/backup-model");
    expect(
      [...(await credentials(gateway)).values()].every((credential) => credential.cooldown === null),
    ).toBe(true);
  });

  it("400: returned to the client as is, never retried", async () => {
    mock.enqueue({ error: { status: 400, message: "messages: field required" } }, OK);
    const response = await ask(gateway);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      type: "error",
      error: { type: "invalid_request_error", message: "messages: field required" },
    });
    expect(mock.requests).toHaveLength(1);
  });

  it("slow headers past the first-byte timeout: tries another", async () => {
    mock.enqueue({ ...OK, headerDelayMs: 2500 }, OK);
    const started = Date.now();
    const response = await ask(gateway);
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2400);
    expect(response.headers.get("x-llmux-attempts")).toBe("2");
  });

  it("an error event before any byte reached the client counts like the HTTP error", async () => {
    mock.enqueue({ ...OK, streamError: { afterChunks: 0, type: "overloaded_error" } }, OK);
    const response = await ask(gateway, true);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain("healthy answer");
    expect(text).not.toContain("overloaded_error");
    expect(response.headers.get("x-llmux-attempts")).toBe("2");
  });

  it("a disconnect mid-stream after output: the client gets a protocol error event, never a clean stop", async () => {
    mock.enqueue({
      steps: [{ type: "text", text: "one two three four", deltas: 4 }],
      disconnectAfterChunks: 3,
    });
    const response = await ask(gateway, true);
    const text = await response.text();
    expect(text).toContain("event: error");
    expect(text).not.toContain("message_stop");
  });

  it("no healthy credential left: 429 with Retry-After", async () => {
    mock.setDefault({ error: { status: 429, retryAfterSeconds: 20 } });
    const response = await ask(gateway);
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(mock.requests.length).toBe(3);
    const again = await ask(gateway);
    expect(again.status).toBe(429);
    expect(Number(again.headers.get("retry-after"))).toBeGreaterThan(10);
    expect(mock.requests.length).toBe(3);
  });
});

describe("an unreachable upstream", () => {
  it("connection refused: goes to the next target", async () => {
    const gateway = await startTestGateway({
      providers: {
        dead: {
          kind: "openai-chat",
          baseUrl: "http://127.0.0.1:9/v1",
          credentials: [{ id: "d", apiKey: "x" }],
          models: ["m"],
        },
        live: {
          kind: "openai-chat",
          baseUrl: `${mock.url}/v1`,
          credentials: [{ id: "l", apiKey: "y" }],
          models: ["m"],
        },
      },
      routes: { default: ["dead/m", "live/m"] },
    });
    mock.enqueue(OK);
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "anything", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-llmux-target")).toBe("live/m");
    await gateway.stop(500);
  });
});

describe("leases", () => {
  it("a full credential makes the next request wait for the permit, then succeed", async () => {
    const gateway = await startTestGateway({
      providers: {
        one: {
          kind: "anthropic",
          baseUrl: mock.url,
          credentials: [{ id: "k", apiKey: "k", maxConcurrency: 1 }],
        },
      },
      routes: { default: ["one/claude"] },
    });
    mock.setDefault({ steps: [{ type: "text", text: "slow", deltas: 3 }], chunkDelayMs: 100 });
    const [first, second] = await Promise.all([ask(gateway, true), ask(gateway, true)]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    await Promise.all([first.text(), second.text()]);
    expect(gateway.app.providers.get("one")!.pool.totalInFlight()).toBe(0);
    await gateway.stop(500);
  });

  it("when every candidate stays full past the queue timeout: 429 with Retry-After", async () => {
    const gateway = await startTestGateway({
      providers: {
        one: {
          kind: "anthropic",
          baseUrl: mock.url,
          credentials: [{ id: "k", apiKey: "k", maxConcurrency: 1 }],
        },
      },
      routes: { default: ["one/claude"] },
      failover: { queueTimeoutMs: 100 },
    });
    mock.setDefault({ steps: [{ type: "text", text: "slow", deltas: 3 }], chunkDelayMs: 200 });
    const first = ask(gateway, true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await ask(gateway, true);
    expect(second.status).toBe(429);
    expect(second.headers.get("retry-after")).toBeTruthy();
    expect(((await second.json()) as { error: { type: string } }).error.type).toBe("rate_limit_error");
    await (await first).text();
    await gateway.stop(500);
  });

  it("rpm limits are enforced the same way", async () => {
    const gateway = await startTestGateway({
      providers: {
        one: { kind: "anthropic", baseUrl: mock.url, credentials: [{ id: "k", apiKey: "k", rpm: 2 }] },
      },
      routes: { default: ["one/claude"] },
      failover: { queueTimeoutMs: 0 },
    });
    mock.setDefault(OK);
    expect((await ask(gateway)).status).toBe(200);
    expect((await ask(gateway)).status).toBe(200);
    const third = await ask(gateway);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(50);
    await gateway.stop(500);
  });

  it("under random client aborts, upstream errors and timeouts, in-flight counts return to zero", async () => {
    const gateway = await startTestGateway(
      poolConfig({ failover: { backoffBaseMs: 1, backoffMaxMs: 5, queueTimeoutMs: 500 } }),
    );
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    mock.setDefault(() => {
      const roll = random();
      if (roll < 0.15) return { error: { status: 500 } };
      if (roll < 0.25) return { error: { status: 429, retryAfterMs: 5 } };
      if (roll < 0.3) return { ...OK, headerDelayMs: 1200 };
      if (roll < 0.4)
        return { steps: [{ type: "text", text: "a b c d", deltas: 4 }], disconnectAfterChunks: 2 };
      return { steps: [{ type: "text", text: "a b c d", deltas: 4 }], chunkDelayMs: 5 };
    });
    const requests = Array.from({ length: 120 }, async (_, index) => {
      resetHealth(gateway);
      const controller = new AbortController();
      if (index % 4 === 0) setTimeout(() => controller.abort(), Math.floor(random() * 40));
      try {
        const response = await fetch(`${gateway.url}/v1/messages`, {
          method: "POST",
          headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
          body: JSON.stringify({
            model: "claude",
            max_tokens: 50,
            stream: index % 2 === 0,
            messages: [{ role: "user", content: "hi" }],
          }),
          signal: controller.signal,
        });
        await response.text();
      } catch {
        // aborted by the client: expected
      }
    });
    await Promise.all(requests);
    const deadline = Date.now() + 3000;
    const inFlight = () =>
      gateway.app.providers.all().reduce((sum, provider) => sum + provider.pool.totalInFlight(), 0);
    while (inFlight() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(inFlight()).toBe(0);
    await gateway.stop(1000);
  });
});

describe("health that survives restarts", () => {
  it("a cooldown still in the future is restored; the next request skips that credential", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "llmux-restart-"));
    const first = await startTestGateway(poolConfig(), {}, dataDir);
    mock.enqueue({ error: { status: 429, retryAfterSeconds: 120 } }, OK);
    expect((await ask(first)).status).toBe(200);
    const cooled = [...(await credentials(first)).values()].find(
      (credential) => credential.cooldown !== null,
    )!;
    await first.stop(500);

    mock.reset();
    const second = await startTestGateway(poolConfig(), {}, dataDir);
    const restored = (await credentials(second)).get(`${cooled.provider}/${cooled.id}`)!;
    expect(restored.cooldown?.reason).toBe("rate-limit");
    mock.setDefault(OK);
    for (let index = 0; index < 4; index++) expect((await ask(second)).status).toBe(200);
    expect(keysSeen()).not.toContain(cooled.id === "k1" ? "key-one" : "key-two");
    await second.stop(500);
  });
});

describe("admin API", () => {
  it("disable, recover and reset act on one credential", async () => {
    const gateway = await startTestGateway(poolConfig());
    mock.setDefault(OK);
    const disable = await fetch(`${gateway.url}/admin/credentials/main/k1/disable`, { method: "POST" });
    expect(disable.status).toBe(200);
    for (let index = 0; index < 3; index++) await ask(gateway);
    expect(keysSeen()).not.toContain("key-one");
    expect((await credentials(gateway)).get("main/k1")!.disabled).toBe(true);
    expect((await fetch(`${gateway.url}/admin/credentials/k1/recover`, { method: "POST" })).status).toBe(200);
    expect((await credentials(gateway)).get("main/k1")!.disabled).toBe(false);
    expect((await fetch(`${gateway.url}/admin/credentials/nope/reset`, { method: "POST" })).status).toBe(404);
    await gateway.stop(500);
  });

  it("requires the admin key as a Bearer token when one is set", async () => {
    const gateway = await startTestGateway(poolConfig({ server: { adminKey: "admin-secret" } }));
    expect((await fetch(`${gateway.url}/admin/credentials`)).status).toBe(401);
    const ok = await fetch(`${gateway.url}/admin/credentials`, {
      headers: { authorization: "Bearer admin-secret" },
    });
    expect(ok.status).toBe(200);
    const body = JSON.stringify(await ok.json());
    expect(body).not.toContain("key-one");
    await gateway.stop(500);
  });
});
