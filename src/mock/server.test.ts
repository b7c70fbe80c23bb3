import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseJsonOrThrow } from "../core/json/safe-parse.js";
import type { Protocol } from "../core/model/protocol.js";
import { decodeAnthropicError } from "../core/protocols/anthropic/errors.js";
import { decodeGeminiError } from "../core/protocols/gemini/errors.js";
import { decodeOpenAiError } from "../core/protocols/openai-chat/errors.js";
import { collectSseEvents } from "./collect-sse-events.js";
import type { MockScript } from "./script.js";
import { type MockUpstream, startMockUpstream } from "./server.js";

let mock: MockUpstream;
beforeAll(async () => {
  mock = await startMockUpstream();
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => mock.reset());

const STREAM_PATHS: Record<Protocol, { path: string; body: object }> = {
  "openai-chat": { path: "/v1/chat/completions", body: { model: "m", stream: true, messages: [] } },
  "openai-responses": { path: "/v1/responses", body: { model: "m", stream: true, input: "hi" } },
  anthropic: { path: "/v1/messages", body: { model: "m", stream: true, max_tokens: 10, messages: [] } },
  gemini: { path: "/v1beta/models/m:streamGenerateContent?alt=sse", body: { contents: [] } },
};

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${mock.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

function headerBag(response: Response): Record<string, string> {
  return Object.fromEntries(response.headers.entries());
}

/** Whether a received event is the one that ends a stream cleanly in its protocol. */
function isTerminal(data: string, json: unknown): boolean {
  if (data === "[DONE]") return true;
  const text = JSON.stringify(json);
  return /"message_stop"|"response\.completed"|"finishReason"/.test(text);
}

describe("mock upstream: scripting and recording", () => {
  it("records method, path, query, headers, parsed body, protocol and stream flag", async () => {
    await post(
      "/v1beta/models/gemini-pro:streamGenerateContent?alt=sse",
      { contents: [] },
      { "x-goog-api-key": "k" },
    );
    await post("/v1/chat/completions", { model: "gpt", messages: [{ role: "user", content: "hi" }] });
    expect(mock.requests).toHaveLength(2);
    expect(mock.requests[0]).toMatchObject({
      method: "POST",
      path: "/v1beta/models/gemini-pro:streamGenerateContent",
      query: { alt: "sse" },
      body: { contents: [] },
      protocol: "gemini",
      stream: true,
    });
    expect(mock.requests[0]!.headers["x-goog-api-key"]).toBe("k");
    expect(mock.requests[1]).toMatchObject({
      protocol: "openai-chat",
      stream: false,
      body: { model: "gpt" },
    });
    expect(mock.requests[1]!.rawBody).toContain('"content":"hi"');
  });

  it("consumes queued scripts in request order, then the default builder, and reset forgets all", async () => {
    mock.enqueue({ steps: [{ type: "text", text: "first" }] }, { steps: [{ type: "text", text: "second" }] });
    mock.setDefault((request) => ({ steps: [{ type: "text", text: `default for ${request.path}` }] }));
    const texts: string[] = [];
    for (let index = 0; index < 3; index++) {
      const response = await post("/v1/messages", { model: "m", max_tokens: 5, messages: [] });
      const body = (await response.json()) as { content: { text: string }[] };
      texts.push(body.content[0]!.text);
    }
    expect(texts).toEqual(["first", "second", "default for /v1/messages"]);
    mock.reset();
    expect(mock.requests).toHaveLength(0);
    const response = await post("/v1/messages", { model: "m", max_tokens: 5, messages: [] });
    const body = (await response.json()) as { content: { text: string }[] };
    expect(body.content[0]!.text).toBe("Hello from the llmux mock upstream.");
  });

  it("takes a script from the x-mock-script header before the queue, and refuses an invalid one", async () => {
    mock.enqueue({ steps: [{ type: "text", text: "queued" }] });
    const header = JSON.stringify({ steps: [{ type: "text", text: "from header" }], model: "reported" });
    const response = await post("/v1/chat/completions", { model: "m" }, { "x-mock-script": header });
    const body = (await response.json()) as { model: string; choices: { message: { content: string } }[] };
    expect(body.choices[0]!.message.content).toBe("from header");
    expect(body.model).toBe("reported");
    const bad = await post(
      "/v1/chat/completions",
      { model: "m" },
      { "x-mock-script": '{"steps":[{"type":"txt"}]}' },
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("steps");
    const next = await post("/v1/chat/completions", { model: "m" });
    const nextBody = (await next.json()) as { choices: { message: { content: string } }[] };
    expect(nextBody.choices[0]!.message.content).toBe("queued");
  });

  it("lists models in each protocol's shape, counts tokens, and 404s unknown paths", async () => {
    const openai = (await (await fetch(`${mock.url}/v1/models`)).json()) as {
      object: string;
      data: { id: string }[];
    };
    expect(openai.object).toBe("list");
    expect(openai.data.map((model) => model.id)).toContain("mock-model");
    const anthropic = await fetch(`${mock.url}/v1/models`, {
      headers: { "anthropic-version": "2023-06-01" },
    });
    expect(await anthropic.json()).toMatchObject({
      has_more: false,
      data: expect.arrayContaining([expect.objectContaining({ type: "model", id: "mock-model" })]),
    });
    const gemini = await fetch(`${mock.url}/v1beta/models`);
    expect(await gemini.json()).toMatchObject({
      models: expect.arrayContaining([expect.objectContaining({ name: "models/mock-model" })]),
    });
    const counted = await post("/v1/messages/count_tokens", { model: "m", messages: [] });
    expect(await counted.json()).toEqual({ input_tokens: expect.any(Number) });
    expect((await post("/v2/nothing", {})).status).toBe(404);
  });
});

describe("mock upstream: HTTP errors", () => {
  it("renders an OpenAI 429 with Retry-After and retry-after-ms that the core decoder reads", async () => {
    mock.enqueue({ error: { status: 429, retryAfterSeconds: 2, retryAfterMs: 1500 } });
    const response = await post("/v1/chat/completions", { model: "m" });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("2");
    expect(response.headers.get("retry-after-ms")).toBe("1500");
    const text = await response.text();
    expect(parseJsonOrThrow(text, "upstream")).toEqual({
      error: { message: expect.any(String), type: "requests", param: null, code: "rate_limit_exceeded" },
    });
    const decoded = decodeOpenAiError(429, text, headerBag(response));
    expect([decoded.code, decoded.retryAfterMs]).toEqual(["rate_limited", 1500]);
  });

  it("renders Anthropic's 529 overloaded_error", async () => {
    mock.enqueue({ error: { status: 529 } });
    const response = await post("/v1/messages", { model: "m", stream: true });
    expect(response.status).toBe(529);
    const text = await response.text();
    expect(parseJsonOrThrow(text, "upstream")).toMatchObject({
      type: "error",
      error: { type: "overloaded_error", message: "Overloaded" },
    });
    expect(decodeAnthropicError(529, text, headerBag(response)).code).toBe("overloaded");
  });

  it("renders Gemini RESOURCE_EXHAUSTED with RetryInfo", async () => {
    mock.enqueue({ error: { status: 429, retryAfterSeconds: 3 } });
    const response = await post("/v1beta/models/g:generateContent", {});
    expect(response.status).toBe(429);
    const text = await response.text();
    const body = parseJsonOrThrow(text, "upstream") as {
      error: { status: string; details: { retryDelay?: string }[] };
    };
    expect(body.error.status).toBe("RESOURCE_EXHAUSTED");
    expect(body.error.details.map((detail) => detail.retryDelay).filter(Boolean)).toEqual(["3s"]);
    const decoded = decodeGeminiError(429, text, {});
    expect([decoded.code, decoded.retryAfterMs]).toEqual(["rate_limited", 3000]);
  });

  it("sends a scripted body verbatim with extra headers, in every protocol", async () => {
    for (const protocol of Object.keys(STREAM_PATHS) as Protocol[]) {
      mock.enqueue({ error: { status: 503, body: "upstream exploded", headers: { "x-custom": "yes" } } });
      const { path, body } = STREAM_PATHS[protocol];
      const response = await post(path, body);
      expect(response.status).toBe(503);
      expect(response.headers.get("x-custom")).toBe("yes");
      expect(await response.text()).toBe("upstream exploded");
    }
  });
});

describe("mock upstream: timing and failures", () => {
  it("delays the headers by headerDelayMs", async () => {
    mock.enqueue({ headerDelayMs: 250 });
    const started = performance.now();
    const response = await post("/v1/chat/completions", { model: "m" });
    expect(performance.now() - started).toBeGreaterThanOrEqual(230);
    expect(response.status).toBe(200);
    await response.text();
  });

  it("spaces stream frames by chunkDelayMs", async () => {
    mock.enqueue({ steps: [{ type: "text", text: "a b c d", deltas: 4 }], chunkDelayMs: 60 });
    const response = await post("/v1/chat/completions", { model: "m", stream: true });
    const reader = response.body!.getReader();
    const arrivals: number[] = [];
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
      arrivals.push(performance.now());
    }
    // 7 frames: role, 4 deltas, finish, [DONE] -> 6 gaps of 60ms.
    expect(arrivals.length).toBeGreaterThanOrEqual(5);
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(6 * 60 * 0.85);
  });

  for (const protocol of Object.keys(STREAM_PATHS) as Protocol[]) {
    it(`disconnects a ${protocol} stream after N frames, before the terminal event`, async () => {
      const script: MockScript = { steps: [{ type: "text", text: "one two three four five", deltas: 5 }] };
      mock.enqueue({ ...script, disconnectAfterChunks: 3 });
      const { path, body } = STREAM_PATHS[protocol];
      const collected = await collectSseEvents(await post(path, body));
      expect(collected.complete).toBe(false);
      expect(collected.events).toHaveLength(3);
      expect(collected.events.some((event) => isTerminal(event.data, event.json))).toBe(false);
      // The same script without the disconnect ends cleanly with its terminal event.
      mock.enqueue(script);
      const clean = await collectSseEvents(await post(path, body));
      expect(clean.complete).toBe(true);
      expect(clean.events.some((event) => isTerminal(event.data, event.json))).toBe(true);
    });
  }

  it("cuts a non-stream body in half when asked to disconnect", async () => {
    mock.enqueue({ disconnectAfterChunks: 0 });
    const response = await post("/v1/messages", { model: "m" });
    await expect(response.text()).rejects.toThrow();
  });

  it("survives a client that aborts mid-stream and keeps serving", async () => {
    const aborter = new AbortController();
    mock.enqueue({ steps: [{ type: "text", text: "x ".repeat(40), deltas: 40 }], chunkDelayMs: 20 });
    const response = await fetch(`${mock.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "m", stream: true }),
      signal: aborter.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    aborter.abort();
    await expect(reader.read()).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const after = await post("/v1/chat/completions", { model: "m" });
    expect(after.status).toBe(200);
    await after.text();
  });
});
