import { describe, expect, it } from "vitest";
import type { ErrorCode, LlmuxErrorData } from "../../model/errors.js";
import { readExternal } from "./__fixtures__/support.js";
import { openAiChatAdapter } from "./index.js";

const adapter = openAiChatAdapter;

describe("conformance: the error table", () => {
  const table: [number, object | string, ErrorCode, string][] = [
    [
      400,
      { error: { message: "bad", type: "invalid_request_error", param: "messages", code: null } },
      "invalid_request",
      "invalid_request_error",
    ],
    [
      400,
      { error: { message: "too long", type: "invalid_request_error", code: "context_length_exceeded" } },
      "invalid_request",
      "invalid_request_error",
    ],
    [
      401,
      { error: { message: "no key", type: "invalid_request_error", code: "invalid_api_key" } },
      "authentication",
      "invalid_request_error",
    ],
    [403, { error: { message: "region", type: "permission_error" } }, "permission", "permission_error"],
    [
      404,
      { error: { message: "no model", type: "invalid_request_error", code: "model_not_found" } },
      "not_found",
      "invalid_request_error",
    ],
    [408, "timeout", "timeout", "timeout_error"],
    [413, "too big", "request_too_large", "invalid_request_error"],
    [422, { error: { message: "unprocessable" } }, "invalid_request", "invalid_request_error"],
    [
      429,
      { error: { message: "slow", type: "rate_limit_error", code: "rate_limit_exceeded" } },
      "rate_limited",
      "rate_limit_error",
    ],
    [
      429,
      { error: { message: "pay", type: "insufficient_quota", code: "insufficient_quota" } },
      "quota_exhausted",
      "insufficient_quota",
    ],
    [500, { error: { message: "oops", type: "server_error" } }, "upstream_error", "server_error"],
    [502, "<html>bad gateway</html>", "upstream_error", "server_error"],
    [
      503,
      { error: { message: "overloaded", type: "service_unavailable_error" } },
      "unavailable",
      "service_unavailable_error",
    ],
    [504, "", "timeout", "timeout_error"],
    [529, { error: { message: "overloaded" } }, "overloaded", "service_unavailable_error"],
  ];

  it.each(table)("HTTP %i %j -> %s, rendered back in Chat's shape", (status, wire, code, type) => {
    const body = typeof wire === "string" ? wire : JSON.stringify(wire);
    const error = adapter.decodeError(status, body, {});
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    const data = error.toData();
    const rendered = adapter.renderError(data);
    expect(rendered.status).toBe(status);
    expect(rendered.body).toEqual({
      error: { message: error.message, type: data.upstreamType ?? type, param: data.param ?? null, code },
    });
  });

  it("recorded OpenAI 400 (max_tokens on a reasoning model) keeps param and type", () => {
    const body = readExternal("vercel-ai/openai/chat/reasoning-model-legacy-parameter-error.json");
    const error = adapter.decodeError(400, body, {});
    expect(error.code).toBe("invalid_request");
    expect(error.param).toBe("max_tokens");
    expect(error.upstreamType).toBe("invalid_request_error");
    expect(error.message).toContain("max_completion_tokens");
  });

  it("retry-after headers become retryAfterMs and render back as retry-after", () => {
    const error = adapter.decodeError(429, "{}", { "retry-after": "7" });
    expect(error.retryAfterMs).toBe(7000);
    expect(adapter.renderError(error.toData()).headers).toEqual({ "retry-after": "7" });
  });

  it("renders canonical errors of every origin as Chat errors, in HTTP and in-stream form", () => {
    const data: LlmuxErrorData = {
      code: "upstream_incomplete",
      status: 502,
      message: "cut off",
      retryable: true,
    };
    expect(adapter.renderError(data)).toEqual({
      status: 502,
      body: { error: { message: "cut off", type: "server_error", param: null, code: "upstream_incomplete" } },
    });
    expect(adapter.renderStreamError(data)).toBe(
      'data: {"error":{"message":"cut off","type":"server_error","param":null,"code":"upstream_incomplete"}}\n\n',
    );
  });

  it("usage decoding: decodeUsage is the adapter's usage reader", () => {
    expect(adapter.decodeUsage(null)).toBeUndefined();
    expect(
      adapter.decodeUsage({
        prompt_tokens: 10,
        completion_tokens: 2,
        prompt_tokens_details: { cached_tokens: 4 },
      }),
    ).toEqual({
      inputTokens: 6,
      cacheReadTokens: 4,
      cacheWriteTokens: 0,
      outputTokens: 2,
      reasoningTokens: 0,
    });
  });
});
