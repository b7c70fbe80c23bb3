import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { errors as undiciErrors } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { safeParseJson } from "../../core/json/safe-parse.js";
import { LlmuxError } from "../../core/model/errors.js";
import { isJsonObject, type JsonObject } from "../../core/model/json.js";
import { decodeAnthropicError, decodeAnthropicErrorPayload } from "../../core/protocols/anthropic/errors.js";
import { decodeGeminiError } from "../../core/protocols/gemini/errors.js";
import { decodeOpenAiError } from "../../core/protocols/openai-chat/errors.js";
import { decodeResponsesStreamError } from "../../core/protocols/openai-responses/errors.js";
import type { HeaderBag } from "../../core/protocols/shared/upstream-error.js";
import { classifyFailure, type Failure, type FailureAction, parseRetryAfterMs } from "./classify-failure.js";
import { nextCooldown } from "./cooldown.js";
import { HttpTransport, transportError } from "./http-transport.js";

/** 2025-06-15T12:00:00Z */
const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);
const MIDNIGHT = Date.UTC(2025, 5, 16, 0, 0, 0);

const fixture = (path: string) => readFileSync(`test/fixtures/external/${path}`, "utf8");

type Decoder = (status: number, body: string, headers: HeaderBag) => LlmuxError;

/** A failed HTTP response as the pipeline hands it over: status, headers, body and the protocol's decoding. */
function http(decode: Decoder, status: number, body: string, headers: HeaderBag = {}): Failure {
  return { phase: "first-byte", status, headers, body, error: decode(status, body, headers), now: NOW };
}

const openai = (status: number, body: object | string, headers?: HeaderBag) =>
  http(decodeOpenAiError, status, typeof body === "string" ? body : JSON.stringify(body), headers);
const anthropic = (status: number, type: string, message: string, headers?: HeaderBag) =>
  http(decodeAnthropicError, status, JSON.stringify({ type: "error", error: { type, message } }), headers);
const gemini = (status: number, body: object | string, headers?: HeaderBag) =>
  http(decodeGeminiError, status, typeof body === "string" ? body : JSON.stringify(body), headers);

function geminiError(code: number, status: string, message: string, details: object[] = []) {
  return { error: { code, message, status, details } };
}

const quotaFailure = (quotaId: string) => ({
  "@type": "type.googleapis.com/google.rpc.QuotaFailure",
  violations: [{ quotaMetric: "generativelanguage.googleapis.com/generate_content_requests", quotaId }],
});
const retryInfo = (delay: string) => ({
  "@type": "type.googleapis.com/google.rpc.RetryInfo",
  retryDelay: delay,
});

/** The Gemini 404 recorded by the official SDK's replay tests. */
function recordedGemini404(): Failure {
  const parsed = safeParseJson(
    fixture("js-genai/recordings/Chats_Tests_sendMessage_Send_message_stream_with_error.json"),
  );
  if (!parsed.ok || !isJsonObject(parsed.value)) throw new Error("bad recording");
  const interactions = parsed.value.interactions;
  const response =
    Array.isArray(interactions) && isJsonObject(interactions[0]) ? interactions[0].response : null;
  if (!isJsonObject(response) || !Array.isArray(response.bodySegments)) throw new Error("bad recording");
  return gemini(Number(response.statusCode), JSON.stringify(response.bodySegments[0]));
}

interface Row {
  name: string;
  failure: Failure;
  expected: Partial<FailureAction> & { kind: FailureAction["kind"] };
}

const ROWS: Row[] = [
  // ---- request errors go back to the client
  {
    name: "400 invalid request (OpenAI fixture)",
    failure: openai(400, fixture("vercel-ai/openai/chat/reasoning-model-legacy-parameter-error.json")),
    expected: { kind: "return-to-client" },
  },
  {
    name: "413 request too large (Anthropic)",
    failure: anthropic(413, "request_too_large", "Request exceeds the maximum allowed number of bytes."),
    expected: { kind: "return-to-client" },
  },
  {
    name: "422 unprocessable",
    failure: openai(422, { error: { message: "messages: field required", type: "invalid_request_error" } }),
    expected: { kind: "return-to-client" },
  },
  { name: "415 without a body", failure: openai(415, ""), expected: { kind: "return-to-client" } },
  // ---- auth
  {
    name: "401 without refresh: auth cooldown",
    failure: openai(401, {
      error: {
        message: "Incorrect API key provided: sk-proj-abcdefghij1234567890.",
        code: "invalid_api_key",
      },
    }),
    expected: { kind: "cooldown-credential", reason: "auth" },
  },
  {
    name: "401 with a refreshable credential: refresh",
    failure: { ...anthropic(401, "authentication_error", "invalid x-api-key"), canRefresh: true },
    expected: { kind: "refresh-credential" },
  },
  {
    name: "403 without refresh: auth cooldown",
    failure: anthropic(
      403,
      "permission_error",
      "Your API key does not have permission to use the specified resource.",
    ),
    expected: { kind: "cooldown-credential", reason: "auth" },
  },
  {
    name: "403 with a refreshable credential: refresh",
    failure: { ...gemini(403, geminiError(403, "PERMISSION_DENIED", "Permission denied")), canRefresh: true },
    expected: { kind: "refresh-credential" },
  },
  {
    name: "Gemini 400 API_KEY_INVALID counts as auth",
    failure: gemini(
      400,
      geminiError(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
        { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID" },
      ]),
    ),
    expected: { kind: "cooldown-credential", reason: "auth" },
  },
  // ---- quota: until the reset
  {
    name: "402 payment required: quota until the daily reset",
    failure: openai(402, { error: { message: "Insufficient Balance", type: "unknown_error" } }),
    expected: { kind: "cooldown-credential", reason: "quota", untilMs: MIDNIGHT },
  },
  {
    name: "429 insufficient_quota (OpenAI fixture): quota until the daily reset",
    failure: openai(429, fixture("vercel-ai/openai/responses/openai-error.1.json")),
    expected: { kind: "cooldown-credential", reason: "quota", untilMs: MIDNIGHT },
  },
  {
    name: "429 requests per day (RPD): quota until x-ratelimit-reset-requests",
    failure: openai(
      429,
      {
        error: {
          message:
            "Rate limit reached for gpt-4o-mini on requests per day (RPD): Limit 200, Used 200, Requested 1.",
          type: "requests",
          code: "rate_limit_exceeded",
        },
      },
      { "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "7m12s" },
    ),
    expected: { kind: "cooldown-credential", reason: "quota", untilMs: NOW + 432_000 },
  },
  {
    name: "429 OpenRouter free-models-per-day: quota until X-RateLimit-Reset (epoch ms)",
    failure: openai(
      429,
      { error: { message: "Rate limit exceeded: free-models-per-day.", code: 429 } },
      { "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": String(NOW + 3_600_000) },
    ),
    expected: { kind: "cooldown-credential", reason: "quota", untilMs: NOW + 3_600_000 },
  },
  {
    name: "Gemini 429 QuotaFailure PerDay: quota until the daily reset, RetryInfo kept as the wait",
    failure: gemini(
      429,
      geminiError(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan.", [
        quotaFailure("GenerateRequestsPerDayPerProjectPerModel-FreeTier"),
        retryInfo("30s"),
      ]),
    ),
    expected: { kind: "cooldown-credential", reason: "quota", untilMs: MIDNIGHT, retryAfterMs: 30_000 },
  },
  {
    name: "Anthropic 400 credit balance too low: quota",
    failure: anthropic(
      400,
      "invalid_request_error",
      "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
    ),
    expected: { kind: "cooldown-credential", reason: "quota", untilMs: MIDNIGHT },
  },
  {
    name: "Anthropic 400 usage limits: quota until the date it names",
    failure: anthropic(
      400,
      "invalid_request_error",
      "You have reached your specified API usage limits. You will regain access on 2025-07-01 at 00:00 UTC.",
    ),
    expected: { kind: "cooldown-credential", reason: "quota", untilMs: Date.UTC(2025, 6, 1) },
  },
  {
    name: "Anthropic billing_error: quota",
    failure: anthropic(402, "billing_error", "This organization has been disabled."),
    expected: { kind: "cooldown-credential", reason: "quota" },
  },
  {
    name: "400 echoing a prompt that talks about billing quota per day (vLLM-style)",
    failure: openai(400, {
      object: "error",
      message:
        "[{'type': 'missing', 'loc': ('body', 'model'), 'msg': 'Field required', 'input': {'messages': [{'role': 'user', 'content': 'why did my billing quota per day run out? incorrect API key?'}]}}]",
      type: "BadRequestError",
      code: 400,
    }),
    expected: { kind: "return-to-client" },
  },
  // ---- missing model
  { name: "Gemini 404 (recorded)", failure: recordedGemini404(), expected: { kind: "exclude-target" } },
  {
    name: "OpenAI 404 model_not_found",
    failure: openai(404, {
      error: {
        message: "The model `gpt-9` does not exist or you do not have access to it.",
        code: "model_not_found",
      },
    }),
    expected: { kind: "exclude-target" },
  },
  {
    name: "400 naming a missing model (DeepSeek)",
    failure: openai(400, { error: { message: "Model Not Exist", type: "invalid_request_error" } }),
    expected: { kind: "exclude-target" },
  },
  // ---- the ladder: rate limits and overload
  {
    name: "429 rate_limit_error honouring Retry-After seconds",
    failure: anthropic(
      429,
      "rate_limit_error",
      "This request would exceed your rate limit of 50 requests per minute.",
      {
        "retry-after": "20",
      },
    ),
    expected: { kind: "cooldown-credential", reason: "rate-limit", retryAfterMs: 20_000 },
  },
  {
    name: "429 honouring Retry-After as an HTTP date",
    failure: openai(
      429,
      { error: { message: "slow down" } },
      { "retry-after": new Date(NOW + 90_000).toUTCString() },
    ),
    expected: { kind: "cooldown-credential", reason: "rate-limit", retryAfterMs: 90_000 },
  },
  {
    name: "429 retry-after-ms wins over Retry-After",
    failure: openai(
      429,
      { error: { message: "slow down" } },
      { "retry-after-ms": "1500", "retry-after": "120" },
    ),
    expected: { kind: "cooldown-credential", reason: "rate-limit", retryAfterMs: 1_500 },
  },
  {
    name: "429 'Please try again in 6s' in an OpenAI message",
    failure: openai(429, {
      error: {
        message:
          "Rate limit reached for gpt-4o on tokens per min (TPM): Limit 30000, Used 29000. Please try again in 6s.",
        code: "rate_limit_exceeded",
      },
    }),
    expected: { kind: "cooldown-credential", reason: "rate-limit", retryAfterMs: 6_000 },
  },
  {
    name: "429 with only the exhausted limit's reset header (OpenAI duration)",
    failure: openai(
      429,
      { error: { message: "Rate limit reached", code: "rate_limit_exceeded" } },
      {
        "x-ratelimit-remaining-requests": "0",
        "x-ratelimit-reset-requests": "1m30s",
        "x-ratelimit-remaining-tokens": "5000",
        "x-ratelimit-reset-tokens": "20m",
      },
    ),
    expected: { kind: "cooldown-credential", reason: "rate-limit", retryAfterMs: 90_000 },
  },
  {
    name: "429 with only anthropic-ratelimit-*-reset (RFC3339)",
    failure: anthropic(
      429,
      "rate_limit_error",
      "Number of concurrent connections has exceeded your rate limit.",
      {
        "anthropic-ratelimit-input-tokens-remaining": "0",
        "anthropic-ratelimit-input-tokens-reset": new Date(NOW + 45_000).toISOString(),
      },
    ),
    expected: { kind: "cooldown-credential", reason: "rate-limit", retryAfterMs: 45_000 },
  },
  {
    name: "Gemini 429 (vercel-ai fixture): per-minute quota is a rate limit, RetryInfo 34.4s",
    failure: gemini(429, fixture("vercel-ai/google/google-429-retry-info.json")),
    expected: { kind: "cooldown-credential", reason: "rate-limit", retryAfterMs: 34_400 },
  },
  {
    name: "Gemini RESOURCE_EXHAUSTED PerMinute with RetryInfo 30s",
    failure: gemini(
      429,
      geminiError(
        429,
        "RESOURCE_EXHAUSTED",
        "You exceeded your current quota, please check your plan and billing details.",
        [quotaFailure("GenerateContentInputTokensPerModelPerMinute-FreeTier"), retryInfo("30s")],
      ),
    ),
    expected: { kind: "cooldown-credential", reason: "rate-limit", retryAfterMs: 30_000 },
  },
  {
    name: "Vertex RESOURCE_EXHAUSTED without quota details: overloaded",
    failure: gemini(
      429,
      geminiError(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."),
    ),
    expected: { kind: "cooldown-credential", reason: "overloaded" },
  },
  {
    name: "408 request timeout: overloaded",
    failure: openai(408, "request timeout"),
    expected: { kind: "cooldown-credential", reason: "overloaded" },
  },
  {
    name: "529 overloaded_error (Anthropic)",
    failure: anthropic(529, "overloaded_error", "Overloaded"),
    expected: { kind: "cooldown-credential", reason: "overloaded" },
  },
  // ---- another credential or target
  {
    name: "409 conflict",
    failure: openai(409, "conflict"),
    expected: { kind: "try-another", reason: "conflict" },
  },
  {
    name: "500 api_error",
    failure: anthropic(500, "api_error", "Internal server error"),
    expected: { kind: "try-another", reason: "server-error" },
  },
  {
    name: "502 bad gateway (HTML body)",
    failure: openai(502, "<html><body>Bad Gateway</body></html>"),
    expected: { kind: "try-another", reason: "server-error" },
  },
  {
    name: "503 Gemini UNAVAILABLE 'model is overloaded'",
    failure: gemini(503, geminiError(503, "UNAVAILABLE", "The model is overloaded. Please try again later.")),
    expected: { kind: "try-another", reason: "server-error" },
  },
  {
    name: "504 gateway timeout",
    failure: openai(504, ""),
    expected: { kind: "try-another", reason: "server-error" },
  },
  {
    name: "a redirect nobody asked for",
    failure: { phase: "first-byte", status: 302, headers: {}, now: NOW },
    expected: { kind: "try-another", reason: "server-error" },
  },
  // ---- an error event in a 200 stream before any output counts like the HTTP error it carries
  {
    name: "Anthropic overloaded_error event in a 200 stream before output",
    failure: streamError(
      '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
      (payload) => decodeAnthropicErrorPayload(200, payload),
    ),
    expected: { kind: "cooldown-credential", reason: "overloaded" },
  },
  {
    name: "the same event with no decoded error, body only",
    failure: {
      phase: "stream-before-output",
      status: 200,
      body: '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
      now: NOW,
    },
    expected: { kind: "cooldown-credential", reason: "overloaded" },
  },
  {
    name: "Responses response.failed insufficient_quota before output (vercel-ai fixture)",
    failure: streamError(
      lastLine(fixture("vercel-ai/openai/responses/openai-error.1.chunks.txt")),
      (payload) => {
        const response = isJsonObject(payload.response) ? payload.response : {};
        return LlmuxError.fromData(
          decodeResponsesStreamError(isJsonObject(response.error) ? response.error : {}),
        );
      },
    ),
    expected: { kind: "cooldown-credential", reason: "quota", untilMs: MIDNIGHT },
  },
  {
    name: "Gemini error chunk with code 500 before output",
    failure: {
      phase: "stream-before-output",
      status: 200,
      body: JSON.stringify(geminiError(500, "INTERNAL", "An internal error has occurred.")),
      now: NOW,
    },
    expected: { kind: "try-another", reason: "server-error" },
  },
  {
    name: "a stream that ended before any output",
    failure: {
      phase: "stream-before-output",
      status: 200,
      error: new LlmuxError("upstream_incomplete", "upstream stream ended without a finish"),
      now: NOW,
    },
    expected: { kind: "try-another", reason: "network" },
  },
  {
    name: "connect timeout",
    failure: {
      phase: "connect",
      error: transportError(new undiciErrors.ConnectTimeoutError(), "https://api.example.com/v1"),
      now: NOW,
    },
    expected: { kind: "try-another", reason: "connect-timeout" },
  },
  {
    name: "a timeout known only by its phase",
    failure: { phase: "first-byte", error: new LlmuxError("timeout", "total timeout"), now: NOW },
    expected: { kind: "try-another", reason: "first-byte-timeout" },
  },
  // ---- after output: fail in the stream, whatever it was
  {
    name: "429 after output",
    failure: { ...anthropic(429, "rate_limit_error", "slow down"), phase: "stream-after-output" },
    expected: { kind: "fail-in-stream" },
  },
  {
    name: "connection reset after output",
    failure: {
      phase: "stream-after-output",
      status: 200,
      error: new LlmuxError("upstream_error", "cannot reach upstream api.example.com: ECONNRESET"),
      now: NOW,
    },
    expected: { kind: "fail-in-stream" },
  },
];

function streamError(data: string, decode: (payload: JsonObject) => LlmuxError): Failure {
  const parsed = safeParseJson(data);
  if (!parsed.ok || !isJsonObject(parsed.value)) throw new Error("bad event");
  return { phase: "stream-before-output", status: 200, body: data, error: decode(parsed.value), now: NOW };
}

function lastLine(text: string): string {
  return text.trim().split("\n").at(-1) ?? "";
}

describe("classifyFailure", () => {
  it.each(ROWS)("$name", ({ failure, expected }) => {
    const action = classifyFailure(failure);
    expect(action).toMatchObject(expected);
    expect(action.detail.length).toBeGreaterThan(0);
  });

  it("leaves the wait out when no server said one", () => {
    const action = classifyFailure(anthropic(529, "overloaded_error", "Overloaded"));
    expect(action).not.toHaveProperty("retryAfterMs");
    expect(classifyFailure(openai(429, { error: { message: "slow down" } }))).not.toHaveProperty(
      "retryAfterMs",
    );
  });

  it("uses the configured daily reset time", () => {
    const failure = { ...openai(429, fixture("vercel-ai/openai/responses/openai-error.1.json")) };
    expect(classifyFailure({ ...failure, dailyResetUtc: "13:30" })).toMatchObject({
      untilMs: Date.UTC(2025, 5, 15, 13, 30),
    });
    expect(classifyFailure({ ...failure, dailyResetUtc: "07:00" })).toMatchObject({
      untilMs: Date.UTC(2025, 5, 16, 7, 0),
    });
  });

  it("keeps keys out of the detail", () => {
    const action = classifyFailure(
      openai(401, {
        error: {
          message: "Incorrect API key provided: sk-proj-abcdefghij1234567890.",
          code: "invalid_api_key",
        },
      }),
    );
    expect(action.detail).toContain("HTTP 401");
    expect(action.detail).not.toContain("abcdefghij1234567890");
  });

  it("feeds the ladder: the Gemini fixture rests the credential for its RetryInfo", () => {
    const action = classifyFailure(gemini(429, fixture("vercel-ai/google/google-429-retry-info.json")));
    if (action.kind !== "cooldown-credential") throw new Error(`unexpected ${action.kind}`);
    expect(nextCooldown(undefined, action, NOW)).toMatchObject({
      untilMs: NOW + 34_400,
      reason: "rate-limit",
      consecutiveErrors: 1,
    });
  });
});

describe("parseRetryAfterMs", () => {
  it("reads seconds, fractions, HTTP dates in the past and garbage", () => {
    expect(parseRetryAfterMs({ "retry-after": "3" }, NOW)).toBe(3_000);
    expect(parseRetryAfterMs({ "Retry-After": "0.5" }, NOW)).toBe(500);
    expect(parseRetryAfterMs({ "retry-after": new Date(NOW - 5_000).toUTCString() }, NOW)).toBe(0);
    expect(parseRetryAfterMs({ "retry-after": "soon" }, NOW)).toBeUndefined();
    expect(parseRetryAfterMs({ "retry-after": ["7", "9"] }, NOW)).toBe(7_000);
    expect(parseRetryAfterMs(undefined, NOW)).toBeUndefined();
  });
});

describe("classifyFailure on real network failures", () => {
  let server: Server;
  let origin: string;
  const transport = new HttpTransport({ connectMs: 1_000, firstByteMs: 150, idleMs: 150, totalMs: 0 });

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === "/reset") {
        request.socket.destroy();
      } else if (request.url === "/idle") {
        response.writeHead(200, { "content-type": "text/event-stream" });
        response.write("event: ping\ndata: {}\n\n");
      }
      // "/silent": never answers.
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await transport.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function send(path: string) {
    return transport.send({
      protocol: "openai-chat",
      stream: true,
      url: `${origin}${path}`,
      headers: { "content-type": "application/json" },
      body: "{}",
      signal: new AbortController().signal,
      timeouts: { connectMs: 1_000, firstByteMs: 150, idleMs: 150, totalMs: 0 },
    });
  }

  async function caught(promise: Promise<unknown>): Promise<LlmuxError> {
    try {
      await promise;
    } catch (error) {
      if (error instanceof LlmuxError) return error;
      throw error;
    }
    throw new Error("expected a failure");
  }

  it("a connection reset: try another (network)", async () => {
    const error = await caught(send("/reset"));
    expect(classifyFailure({ phase: "first-byte", error, now: NOW })).toMatchObject({
      kind: "try-another",
      reason: "network",
    });
  });

  it("no response head within firstByteMs: try another (first-byte-timeout)", async () => {
    const error = await caught(send("/silent"));
    expect(classifyFailure({ phase: "first-byte", error, now: NOW })).toMatchObject({
      kind: "try-another",
      reason: "first-byte-timeout",
    });
  });

  it("a stream that goes quiet before output: try another (idle-timeout)", async () => {
    const response = await send("/idle");
    const error = await caught(
      (async () => {
        for await (const _chunk of response.body) {
          // the first chunk arrives, then nothing
        }
      })(),
    );
    expect(classifyFailure({ phase: "stream-before-output", status: 200, error, now: NOW })).toMatchObject({
      kind: "try-another",
      reason: "idle-timeout",
    });
  });
});
