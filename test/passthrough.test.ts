import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningGateway } from "../src/host/control/kernel.js";
import { type MockUpstream, startMockUpstream } from "../src/mock/server.js";
import { mockProvidersConfig, resetHealth, sseData, startTestGateway } from "./support/gateway.js";

let mock: MockUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  mock = await startMockUpstream();
  gateway = await startTestGateway(mockProvidersConfig(mock.url));
});

afterAll(async () => {
  await gateway.stop(1000);
  await mock.close();
});

beforeEach(() => {
  mock.reset();
  resetHealth(gateway);
});

interface Case {
  protocol: string;
  path: (stream: boolean) => string;
  body: (stream: boolean) => Record<string, unknown>;
  headers: Record<string, string>;
  upstreamModel: (request: MockUpstream["requests"][number]) => unknown;
  authHeader: [string, string];
  reportedModel: (payload: Record<string, unknown>) => unknown;
  text: (payloads: Record<string, unknown>[]) => string;
}

const chatText = (payloads: Record<string, unknown>[]) =>
  payloads
    .map((payload) => {
      const choice = (
        payload.choices as { delta?: { content?: string }; message?: { content?: string } }[] | undefined
      )?.[0];
      return choice?.delta?.content ?? choice?.message?.content ?? "";
    })
    .join("");

const CASES: Case[] = [
  {
    protocol: "openai-chat",
    path: () => "/v1/chat/completions",
    body: (stream) => ({ model: "chat-model", stream, messages: [{ role: "user", content: "hi" }] }),
    headers: {},
    upstreamModel: (request) => (request.body as { model: string }).model,
    authHeader: ["authorization", "Bearer sk-chat"],
    reportedModel: (payload) => payload.model,
    text: chatText,
  },
  {
    protocol: "openai-responses",
    path: () => "/v1/responses",
    body: (stream) => ({ model: "responses-model", stream, input: "hi" }),
    headers: {},
    upstreamModel: (request) => (request.body as { model: string }).model,
    authHeader: ["authorization", "Bearer sk-resp"],
    reportedModel: (payload) => (payload.response as { model?: string } | undefined)?.model ?? payload.model,
    text: (payloads) =>
      payloads
        .map((payload) => {
          if (payload.type === "response.output_text.delta") return payload.delta as string;
          if (payload.object === "response") {
            const output = payload.output as { type: string; content?: { text?: string }[] }[];
            return output
              .flatMap((item) => item.content ?? [])
              .map((part) => part.text ?? "")
              .join("");
          }
          return "";
        })
        .join(""),
  },
  {
    protocol: "anthropic",
    path: () => "/v1/messages",
    body: (stream) => ({
      model: "claude-model",
      max_tokens: 100,
      stream,
      messages: [{ role: "user", content: "hi" }],
    }),
    headers: { "anthropic-version": "2023-06-01", "anthropic-beta": "test-beta" },
    upstreamModel: (request) => (request.body as { model: string }).model,
    authHeader: ["x-api-key", "sk-ant"],
    reportedModel: (payload) => (payload.message as { model?: string } | undefined)?.model ?? payload.model,
    text: (payloads) =>
      payloads
        .map((payload) => {
          if (payload.type === "content_block_delta") return (payload.delta as { text?: string }).text ?? "";
          if (payload.type === "message")
            return (payload.content as { text?: string }[]).map((block) => block.text ?? "").join("");
          return "";
        })
        .join(""),
  },
  {
    protocol: "gemini",
    path: (stream) =>
      `/v1beta/models/gemini-model:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`,
    body: () => ({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
    headers: {},
    upstreamModel: (request) => /models\/([^:]+):/.exec(request.path)?.[1],
    authHeader: ["x-goog-api-key", "g-key"],
    reportedModel: (payload) => payload.modelVersion,
    text: (payloads) =>
      payloads
        .map((payload) =>
          (
            (payload.candidates as { content?: { parts?: { text?: string }[] } }[] | undefined)?.[0]?.content
              ?.parts ?? []
          )
            .map((part) => part.text ?? "")
            .join(""),
        )
        .join(""),
  },
];

describe.each(CASES)("same-protocol passthrough: $protocol", (testCase) => {
  for (const stream of [false, true]) {
    it(`${stream ? "streams" : "answers"} through the target's credential and wire model, reporting the client's model`, async () => {
      mock.enqueue({
        steps: [{ type: "text", text: "Hello there, friend.", deltas: 4 }],
        usage: { input: 12, output: 5 },
      });
      const response = await fetch(`${gateway.url}${testCase.path(stream)}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: "Bearer client-key",
          ...testCase.headers,
        },
        body: JSON.stringify(testCase.body(stream)),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("x-request-id")).toBeTruthy();
      expect(response.headers.get("x-llmux-target")).toMatch(/\/upstream-/);
      const text = await response.text();

      const upstream = mock.requests.at(-1)!;
      expect(testCase.upstreamModel(upstream)).toMatch(/^upstream-/);
      expect(upstream.headers[testCase.authHeader[0]]).toBe(testCase.authHeader[1]);
      if (testCase.authHeader[0] !== "authorization") expect(upstream.headers.authorization).toBeUndefined();
      if (testCase.protocol === "anthropic") expect(upstream.headers["anthropic-beta"]).toBe("test-beta");

      const payloads = (stream ? sseData(text).filter((data) => data !== "[DONE]") : [text]).map(
        (data) => JSON.parse(data) as Record<string, unknown>,
      );
      expect(testCase.text(payloads)).toBe("Hello there, friend.");
      const reported = payloads.map(testCase.reportedModel).filter((model) => model !== undefined);
      expect(reported.length).toBeGreaterThan(0);
      expect(new Set(reported)).toEqual(
        new Set([testCase.protocol === "gemini" ? "gemini-model" : testCase.body(stream).model]),
      );
      expect(text).not.toContain("upstream-");
      if (stream && testCase.protocol === "openai-chat")
        expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    });
  }

  it("passes an upstream error through with its status and Retry-After", async () => {
    mock.enqueue({ error: { status: 429, headers: { "retry-after": "7" } } });
    const response = await fetch(`${gateway.url}${testCase.path(false)}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...testCase.headers },
      body: JSON.stringify(testCase.body(false)),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("7");
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.error).toBeDefined();
  });
});

describe("passthrough streaming timing", () => {
  it("forwards each event as it arrives, not at the end", async () => {
    mock.enqueue({
      steps: [{ type: "text", text: "one two three four five six", deltas: 6 }],
      chunkDelayMs: 120,
    });
    const started = performance.now();
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "chat-model",
        stream: true,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const first = await reader.read();
    const firstAt = performance.now() - started;
    expect(first.done).toBe(false);
    let rest = "";
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      rest += Buffer.from(next.value).toString();
    }
    const total = performance.now() - started;
    expect(total - firstAt).toBeGreaterThan(400);
    expect(rest).toContain("[DONE]");
  });
});

describe("a body broken after its model", () => {
  // Routing reads only as far as `model`; the rest is checked before anything goes upstream.
  const broken = '{"model":"MODEL","max_tokens":64,"messages":[{"role":"user","content":"hi"},]}';

  it.each([
    ["passed through", "claude-model"],
    ["converted", "chat-model"],
  ])("is refused with the client's 400 when %s, and reaches no upstream", async (_, model) => {
    const response = await fetch(`${gateway.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: broken.replace("MODEL", model),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { type?: string; error?: { type?: string; message?: string } };
    expect(body.type).toBe("error");
    expect(body.error?.type).toBe("invalid_request_error");
    expect(body.error?.message).toMatch(/JSON/);
    expect(mock.requests).toHaveLength(0);
  });
});
