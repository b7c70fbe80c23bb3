import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningGateway } from "../src/host/control/kernel.js";
import { type MockUpstream, startMockUpstream } from "../src/mock/server.js";
import { resetHealth, startTestGateway } from "./support/gateway.js";

/** The virtual router end to end: routes with tiers, categories, rules, aliases, stickiness. */

let mock: MockUpstream;
let gateway: RunningGateway;

function provider(upstreamModels: Record<string, Record<string, unknown>>) {
  return {
    kind: "anthropic",
    baseUrl: mock.url,
    credentials: [{ id: "k", apiKey: "k" }],
    models: upstreamModels,
  };
}

beforeAll(async () => {
  mock = await startMockUpstream();
  gateway = await startTestGateway({
    providers: {
      a: provider({ big: { upstream: "model-a", context: 1_000_000 } }),
      b: provider({ big: { upstream: "model-b", context: 1_000_000 } }),
      c: provider({ big: { upstream: "model-c", context: 1_000_000 } }),
      small: provider({ tiny: { upstream: "model-small", context: 2_000, capabilities: ["tools"] } }),
      think: provider({ deep: { upstream: "model-think" } }),
      eyes: provider({ see: { upstream: "model-vision", capabilities: ["vision", "tools"] } }),
      bg: provider({ quick: { upstream: "model-background" } }),
      long: provider({ wide: { upstream: "model-long" } }),
    },
    routes: {
      default: { tiers: [{ targets: ["small/tiny", "a/big"] }] },
      tiered: {
        tiers: [
          { mode: "priority", targets: ["a/big", "b/big"] },
          { mode: "priority", backup: true, targets: ["c/big"] },
        ],
      },
      spread: { tiers: [{ mode: "round-robin", targets: ["a/big", "b/big", "c/big"] }] },
      weighted: {
        tiers: [
          {
            mode: "weighted",
            targets: [
              { target: "a/big", weight: 3 },
              { target: "b/big", weight: 1 },
            ],
          },
        ],
      },
      thinking: ["think/deep"],
      vision: ["eyes/see"],
      background: ["bg/quick"],
      longcontext: ["long/wide"],
      premium: ["c/big"],
    },
    aliases: { "claude-*opus*": "premium", fast: "a/big" },
    router: {
      longContextThreshold: 5_000,
      rules: [{ name: "vip", route: "premium", when: { header: { "x-team": "vip*" } } }],
    },
    failover: { backoffBaseMs: 1, backoffMaxMs: 5 },
  });
});

afterAll(async () => {
  await gateway.stop(500);
  await mock.close();
});

beforeEach(() => {
  mock.reset();
  mock.setDefault({ steps: [{ type: "text", text: "ok" }] });
  resetHealth(gateway);
});

interface Ask {
  model?: string;
  headers?: Record<string, string>;
  content?: unknown;
  extra?: Record<string, unknown>;
}

async function ask({ model = "default", headers = {}, content = "hi", extra = {} }: Ask = {}) {
  const response = await fetch(`${gateway.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01", ...headers },
    body: JSON.stringify({ model, max_tokens: 4000, messages: [{ role: "user", content }], ...extra }),
  });
  await response.text();
  return {
    status: response.status,
    route: response.headers.get("x-llmux-route") ?? "",
    upstream: (mock.requests.at(-1)?.body as { model?: string } | undefined)?.model,
  };
}

describe("categories and rules", () => {
  it("background: a small side-call model name goes to the background route", async () => {
    const result = await ask({ model: "claude-3-5-haiku-20241022" });
    expect(result.upstream).toBe("model-background");
    expect(result.route).toMatch(/^background/);
  });

  it("thinking: a request asking for reasoning goes to the thinking route", async () => {
    const result = await ask({ extra: { thinking: { type: "enabled", budget_tokens: 2048 } } });
    expect(result.upstream).toBe("model-think");
  });

  it("vision: images go to the vision route", async () => {
    const image = {
      type: "image",
      source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" },
    };
    const result = await ask({ content: [{ type: "text", text: "what is this?" }, image] });
    expect(result.upstream).toBe("model-vision");
  });

  it("longcontext: a prompt over the threshold goes to the longcontext route", async () => {
    const result = await ask({ content: "lorem ipsum dolor sit amet ".repeat(2_000) });
    expect(result.upstream).toBe("model-long");
    expect(result.route).toMatch(/^longcontext/);
  });

  it("custom rules win over categories, matching headers by glob", async () => {
    const result = await ask({ model: "claude-3-5-haiku", headers: { "x-team": "vip-ops" } });
    expect(result.upstream).toBe("model-c");
    expect(result.route).toMatch(/^premium/);
  });

  it("aliases: globs to routes, exact names to targets (a direct target is not reclassified)", async () => {
    expect((await ask({ model: "claude-opus-4-1" })).upstream).toBe("model-c");
    expect(
      (await ask({ model: "fast", extra: { thinking: { type: "enabled", budget_tokens: 2048 } } })).upstream,
    ).toBe("model-a");
  });
});

describe("tenants", () => {
  it("a rule can route by the tenant of the inbound key", async () => {
    const local = await startTestGateway({
      server: { apiKeys: [{ key: "team-key", tenant: "research" }, "plain-key"] },
      providers: {
        a: provider({ big: { upstream: "model-a" } }),
        c: provider({ big: { upstream: "model-c" } }),
      },
      routes: { default: ["a/big"], research: ["c/big"] },
      router: { rules: [{ name: "research-team", route: "research", when: { tenant: "research" } }] },
    });
    const send = async (key: string) => {
      const response = await fetch(`${local.url}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", "anthropic-version": "2023-06-01", "x-api-key": key },
        body: JSON.stringify({
          model: "default",
          max_tokens: 10,
          messages: [{ role: "user", content: "hi" }],
        }),
      });
      expect(response.status).toBe(200);
      await response.text();
      return (mock.requests.at(-1)!.body as { model: string }).model;
    };
    expect(await send("team-key")).toBe("model-c");
    expect(await send("plain-key")).toBe("model-a");
    await local.stop(500);
  });
});

describe("tiers, modes and filters", () => {
  it("targets that cannot serve the request are filtered out (context window)", async () => {
    expect((await ask()).upstream).toBe("model-small");
    const long = await ask({ content: "word ".repeat(3_000) });
    expect(long.upstream).toBe("model-a");
  });

  it("a prompt near a context window is counted exactly: the estimate undercounts Greek", async () => {
    // ~1,850 tokens by the estimate (fits the 2,000-token window), ~2,230 by o200k (does not).
    const greek = "Καλημέρα, αυτός είναι ένας έλεγχος δρομολόγησης. ".repeat(106);
    expect((await ask({ content: greek })).upstream).toBe("model-a");
  });

  it("priority: first healthy wins; a backup tier only when every primary is unavailable", async () => {
    expect((await ask({ model: "tiered" })).upstream).toBe("model-a");
    mock.enqueue({ error: { status: 500 } }, { error: { status: 503 } });
    const failed = await ask({ model: "tiered" });
    expect(failed.status).toBe(200);
    expect(failed.upstream).toBe("model-c");
    mock.enqueue(
      { error: { status: 429, retryAfterSeconds: 60 } },
      { error: { status: 429, retryAfterSeconds: 60 } },
    );
    await ask({ model: "tiered" });
    mock.reset();
    mock.setDefault({ steps: [{ type: "text", text: "ok" }] });
    expect((await ask({ model: "tiered" })).upstream).toBe("model-c");
    expect(mock.requests).toHaveLength(1);
  });

  it("round-robin spreads requests evenly over healthy targets", async () => {
    const counts = new Map<string, number>();
    for (let index = 0; index < 30; index++) {
      const { upstream } = await ask({ model: "spread" });
      counts.set(upstream ?? "", (counts.get(upstream ?? "") ?? 0) + 1);
    }
    expect([...counts.values()].sort()).toEqual([10, 10, 10]);
  });

  it("weighted follows the weights within tolerance", async () => {
    let a = 0;
    const total = 200;
    for (let index = 0; index < total; index++)
      if ((await ask({ model: "weighted" })).upstream === "model-a") a++;
    expect(a / total).toBeGreaterThan(0.65);
    expect(a / total).toBeLessThan(0.85);
  });
});

describe("sticky sessions", () => {
  it("keep a session on its target across a round-robin route, and move it on failover", async () => {
    const session = { "x-llmux-session": "session-1" };
    const first = await ask({ model: "spread", headers: session });
    for (let index = 0; index < 5; index++)
      expect((await ask({ model: "spread", headers: session })).upstream).toBe(first.upstream);
    mock.enqueue({ error: { status: 500 } });
    const moved = await ask({ model: "spread", headers: session });
    expect(moved.status).toBe(200);
    expect(moved.upstream).not.toBe(first.upstream);
    resetHealth(gateway);
    expect((await ask({ model: "spread", headers: session })).upstream).toBe(moved.upstream);
  });
});

describe("token counting and model lists", () => {
  it("count_tokens is answered locally when no target speaks the protocol, without inflating the count", async () => {
    const local = await startTestGateway({
      providers: {
        oa: { kind: "openai-chat", baseUrl: `${mock.url}/v1`, credentials: [{ id: "k", apiKey: "k" }] },
      },
      routes: { default: ["oa/gpt"] },
    });
    const count = async (text: string) => {
      const response = await fetch(`${local.url}/v1/messages/count_tokens`, {
        method: "POST",
        headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
        body: JSON.stringify({ model: "x", messages: [{ role: "user", content: text }] }),
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { input_tokens: number }).input_tokens;
    };
    const one = await count("hello world");
    const many = await count("hello world ".repeat(100));
    expect(one).toBeGreaterThan(0);
    expect(one).toBeLessThan(12);
    expect(many - one).toBeGreaterThanOrEqual(190);
    expect(many - one).toBeLessThanOrEqual(210);
    const gemini = await fetch(`${local.url}/v1beta/models/x:countTokens`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hello world" }] }] }),
    });
    expect(((await gemini.json()) as { totalTokens: number }).totalTokens).toBe(one);
    expect(mock.requests).toHaveLength(0);
    await local.stop(500);
  });

  it("the official SDKs' countTokens calls get the local count", async () => {
    const local = await startTestGateway({
      providers: {
        oa: { kind: "openai-chat", baseUrl: `${mock.url}/v1`, credentials: [{ id: "k", apiKey: "k" }] },
      },
      routes: { default: ["oa/gpt"] },
    });
    const anthropic = new Anthropic({ baseURL: local.url, apiKey: "test", maxRetries: 0 });
    const counted = await anthropic.messages.countTokens({
      model: "claude-sonnet-4-5",
      system: "You are terse.",
      messages: [{ role: "user", content: "Count these words, please." }],
    });
    expect(counted.input_tokens).toBeGreaterThan(5);
    const genai = new GoogleGenAI({ apiKey: "test", httpOptions: { baseUrl: local.url } });
    const geminiCount = await genai.models.countTokens({
      model: "gemini-2.5-pro",
      contents: "Count these words, please.",
    });
    expect(geminiCount.totalTokens).toBeGreaterThan(3);
    expect(mock.requests).toHaveLength(0);
    await local.stop(500);
  });

  it("/v1/models lists routes, aliases and models in the asking protocol's shape", async () => {
    const openai = (await (await fetch(`${gateway.url}/v1/models`)).json()) as {
      object: string;
      data: { id: string }[];
    };
    expect(openai.object).toBe("list");
    const ids = openai.data.map((model) => model.id);
    expect(ids).toEqual(expect.arrayContaining(["tiered", "fast", "a/big", "big"]));
    const anthropic = (await (
      await fetch(`${gateway.url}/v1/models`, { headers: { "anthropic-version": "2023-06-01" } })
    ).json()) as {
      data: { type: string }[];
      has_more: boolean;
    };
    expect(anthropic.data[0]!.type).toBe("model");
    expect(anthropic.has_more).toBe(false);
    const gemini = (await (await fetch(`${gateway.url}/v1beta/models`)).json()) as {
      models: { name: string }[];
    };
    expect(gemini.models.map((model) => model.name)).toContain("models/tiered");
  });
});
