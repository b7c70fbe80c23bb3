import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningGateway } from "../src/host/control/kernel.js";
import { type MockUpstream, startMockUpstream } from "../src/mock/server.js";
import { mockProvidersConfig, startTestGateway } from "./support/gateway.js";

let mock: MockUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  mock = await startMockUpstream();
  const config = mockProvidersConfig(mock.url, {
    server: { apiKeys: ["${LLMUX_KEY}", "second-key"], bodyLimitBytes: 4096 },
  });
  gateway = await startTestGateway(config, { LLMUX_KEY: "first-key" });
});

afterAll(async () => {
  await gateway.stop(1000);
  await mock.close();
});

function post(path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  return fetch(`${gateway.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
}

const CHAT = JSON.stringify({ model: "chat-model", messages: [{ role: "user", content: "hi" }] });
const MESSAGES = JSON.stringify({
  model: "claude-model",
  max_tokens: 10,
  messages: [{ role: "user", content: "hi" }],
});
const GEMINI = JSON.stringify({ contents: [{ parts: [{ text: "hi" }] }] });

describe("inbound auth", () => {
  it("accepts a configured key as Bearer, x-api-key or x-goog-api-key", async () => {
    expect((await post("/v1/chat/completions", CHAT, { authorization: "Bearer first-key" })).status).toBe(
      200,
    );
    expect((await post("/v1/messages", MESSAGES, { "x-api-key": "second-key" })).status).toBe(200);
    expect(
      (await post("/v1beta/models/gemini-model:generateContent", GEMINI, { "x-goog-api-key": "first-key" }))
        .status,
    ).toBe(200);
  });

  it("rejects a missing or wrong key with each protocol's 401 shape", async () => {
    const chat = await post("/v1/chat/completions", CHAT, { authorization: "Bearer wrong" });
    expect(chat.status).toBe(401);
    expect(await chat.json()).toMatchObject({ error: { type: "authentication_error" } });

    const anthropic = await post("/v1/messages", MESSAGES);
    expect(anthropic.status).toBe(401);
    expect(await anthropic.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });

    const gemini = await post("/v1beta/models/gemini-model:generateContent", GEMINI, {
      "x-goog-api-key": "nope",
    });
    expect(gemini.status).toBe(401);
    expect(await gemini.json()).toMatchObject({ error: { code: 401, status: "UNAUTHENTICATED" } });
  });

  it("leaves the probes and health check open", async () => {
    expect((await fetch(`${gateway.url}/`, { method: "HEAD" })).status).toBe(200);
    expect((await fetch(`${gateway.url}/api/hello`, { method: "HEAD" })).status).toBe(200);
    expect(await (await fetch(`${gateway.url}/health`)).json()).toMatchObject({ status: "ok" });
  });
});

describe("bad input gets a clear error in the client's protocol", () => {
  const key = { authorization: "Bearer first-key" };

  it("malformed JSON -> 400", async () => {
    const response = await post("/v1/messages", "{not json", key);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toMatch(/not valid JSON/);
  });

  it("a body over the limit -> 413", async () => {
    const response = await post(
      "/v1/chat/completions",
      JSON.stringify({ model: "x", pad: "x".repeat(10_000) }),
      key,
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({
      error: { message: expect.stringMatching(/exceeds the limit/) },
    });
  });

  it("a form body -> 415", async () => {
    const response = await post("/v1/chat/completions", "a=b", {
      ...key,
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(response.status).toBe(415);
  });

  it("invalid UTF-8 -> 400", async () => {
    const response = await post(
      "/v1beta/models/gemini-model:generateContent",
      Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
      key,
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { status: "INVALID_ARGUMENT" } });
  });

  it("no model -> 400 naming the field; unknown endpoint -> 404; wrong method -> 405", async () => {
    const noModel = await post("/v1/chat/completions", JSON.stringify({ messages: [] }), key);
    expect(noModel.status).toBe(400);
    expect(await noModel.json()).toMatchObject({ error: { param: "model" } });
    expect((await post("/v1/nothing", "{}", key)).status).toBe(404);
    const wrongMethod = await fetch(`${gateway.url}/v1/messages`, { headers: key });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST");
  });
});

describe("client text in response headers", () => {
  it("a model name with non-ASCII characters is served, and the headers stay valid", async () => {
    const local = await startTestGateway({
      providers: {
        any: {
          kind: "openai-chat",
          baseUrl: `${mock.url}/v1`,
          credentials: [{ id: "k", apiKey: "k" }],
          models: ["*"],
        },
      },
      routes: { default: ["any/*"] },
    });
    mock.enqueue({ steps: [{ type: "text", text: "ok" }] });
    const response = await fetch(`${local.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "modèle-ü\u2028x", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-llmux-target")).toBe("any/mod?le-??x");
    expect(((await response.json()) as { model: string }).model).toBe("modèle-ü\u2028x");
    await local.stop(500);
  });
});

describe("client disconnects", () => {
  let upstream: Server;
  let upstreamUrl: string;
  let closedAt: number | undefined;
  let local: RunningGateway;

  beforeAll(async () => {
    upstream = createServer((request: IncomingMessage, response) => {
      request.resume();
      response.writeHead(200, { "content-type": "text/event-stream" });
      let count = 0;
      const timer = setInterval(() => {
        count++;
        response.write(
          `data: {"id":"x","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":"${count}"},"finish_reason":null}]}\n\n`,
        );
      }, 50);
      response.on("close", () => {
        closedAt = performance.now();
        clearInterval(timer);
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    local = await startTestGateway({
      providers: {
        slow: { kind: "openai-chat", baseUrl: `${upstreamUrl}/v1`, credentials: [{ id: "k", apiKey: "k" }] },
      },
      routes: { default: ["slow/m"] },
    });
  });

  afterAll(async () => {
    await local.stop(500);
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
  });

  it("abort the upstream request", async () => {
    const controller = new AbortController();
    const response = await fetch(`${local.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", stream: true, messages: [{ role: "user", content: "hi" }] }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    const abortedAt = performance.now();
    controller.abort();
    const deadline = Date.now() + 2000;
    while (closedAt === undefined && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closedAt).toBeDefined();
    expect(closedAt! - abortedAt).toBeLessThan(1000);
  });
});

describe("graceful shutdown", () => {
  it("lets an in-flight stream finish, then refuses new connections", async () => {
    const local = await startTestGateway(mockProvidersConfig(mock.url));
    mock.enqueue({ steps: [{ type: "text", text: "a b c d e", deltas: 5 }], chunkDelayMs: 100 });
    const response = await fetch(`${local.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "chat-model",
        stream: true,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    const stopping = local.stop(5000);
    const text = await response.text();
    expect(text).toContain("data: [DONE]");
    await stopping;
    await expect(fetch(`${local.url}/health`)).rejects.toThrow();
  });
});
