import { describe, expect, it } from "vitest";
import { type ErrorCode, LlmuxError } from "../../model/errors.js";
import { fixtureJson, fixtureText } from "./__fixtures__/support.js";
import { geminiAdapter } from "./index.js";

function body(status: number, rpcStatus: string, message: string): string {
  return JSON.stringify({ error: { code: status, message, status: rpcStatus } });
}

describe("Gemini error table", () => {
  const table: [number, string, string, ErrorCode][] = [
    [400, "INVALID_ARGUMENT", "Request contains an invalid argument.", "invalid_request"],
    [400, "FAILED_PRECONDITION", "User location is not supported for the API use.", "invalid_request"],
    [401, "UNAUTHENTICATED", "API key not valid.", "authentication"],
    [403, "PERMISSION_DENIED", "The caller does not have permission", "permission"],
    [404, "NOT_FOUND", "models/nope is not found", "not_found"],
    [429, "RESOURCE_EXHAUSTED", "Resource exhausted. Please try again later.", "rate_limited"],
    [
      429,
      "RESOURCE_EXHAUSTED",
      "You exceeded your current quota, please check your plan and billing details.",
      "quota_exhausted",
    ],
    [500, "INTERNAL", "An internal error has occurred.", "upstream_error"],
    [503, "UNAVAILABLE", "The model is overloaded. Please try again later.", "unavailable"],
    [504, "DEADLINE_EXCEEDED", "Deadline exceeded", "timeout"],
  ];

  it.each(table)(
    "HTTP %i %s decodes to the right code and renders back in Gemini's shape",
    (status, rpc, message, code) => {
      const error = geminiAdapter.decodeError(status, body(status, rpc, message), {});
      expect(error).toBeInstanceOf(LlmuxError);
      expect(error.code).toBe(code);
      expect(error.status).toBe(status);
      expect(error.message).toBe(message);
      expect(error.upstreamType).toBe(rpc);
      const rendered = geminiAdapter.renderError(error.toData());
      expect(rendered.status).toBe(status);
      const expectedRpc = rpc === "FAILED_PRECONDITION" ? "INVALID_ARGUMENT" : rpc;
      expect(rendered.body).toEqual({ error: { code: status, message, status: expectedRpc } });
    },
  );

  it("reads RetryInfo from the recorded 429 and renders it back with a retry-after header", () => {
    const error = geminiAdapter.decodeError(
      429,
      fixtureText("vercel-ai/google/google-429-retry-info.json"),
      {},
    );
    expect(error.code).toBe("quota_exhausted");
    expect(error.retryAfterMs).toBe(34_400);
    const rendered = geminiAdapter.renderError(error.toData());
    expect(rendered.headers).toEqual({ "retry-after": "35" });
    expect(rendered.body).toMatchObject({
      error: {
        code: 429,
        status: "RESOURCE_EXHAUSTED",
        details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "35s" }],
      },
    });
  });

  it("decodes the recorded 404 of an unknown model", () => {
    const recording = fixtureJson(
      "js-genai/recordings/Chats_Tests_sendMessage_Send_message_stream_with_error.json",
    ) as {
      interactions: { response: { statusCode: number; bodySegments: unknown[] } }[];
    };
    const response = recording.interactions[0]!.response;
    const error = geminiAdapter.decodeError(
      response.statusCode,
      JSON.stringify(response.bodySegments[0]),
      {},
    );
    expect(error).toMatchObject({ code: "not_found", status: 404, upstreamType: "NOT_FOUND" });
    expect(error.message).toContain("models/custom-gemini-2.0-flash is not found");
  });

  it("reads an error body sent as a JSON array", () => {
    const error = geminiAdapter.decodeError(429, `[${body(429, "RESOURCE_EXHAUSTED", "slow down")}]`, {
      "retry-after": "7",
    });
    expect(error).toMatchObject({ code: "rate_limited", message: "slow down", retryAfterMs: 7000 });
  });

  it("falls back to the HTTP status for a body that is not Gemini's", () => {
    const error = geminiAdapter.decodeError(502, "<html>Bad Gateway</html>", {});
    expect(error).toMatchObject({ code: "upstream_error", status: 502, retryable: true });
    expect(error.message).toContain("Bad Gateway");
  });

  it("renders every code with a google.rpc status the SDK understands", () => {
    const codes: [ErrorCode, string][] = [
      ["invalid_request", "INVALID_ARGUMENT"],
      ["unsupported_conversion", "INVALID_ARGUMENT"],
      ["request_too_large", "INVALID_ARGUMENT"],
      ["authentication", "UNAUTHENTICATED"],
      ["permission", "PERMISSION_DENIED"],
      ["not_found", "NOT_FOUND"],
      ["rate_limited", "RESOURCE_EXHAUSTED"],
      ["quota_exhausted", "RESOURCE_EXHAUSTED"],
      ["overloaded", "RESOURCE_EXHAUSTED"],
      ["unavailable", "UNAVAILABLE"],
      ["timeout", "DEADLINE_EXCEEDED"],
      ["upstream_incomplete", "INTERNAL"],
      ["internal", "INTERNAL"],
    ];
    for (const [code, rpc] of codes) {
      const error = new LlmuxError(code, "x").toData();
      expect(geminiAdapter.renderError(error).body, code).toEqual({
        error: { code: error.status, message: "x", status: rpc },
      });
      expect(geminiAdapter.renderStreamError(error), code).toBe(
        `data: ${JSON.stringify({ error: { code: error.status, message: "x", status: rpc } })}\n\n`,
      );
    }
  });
});
