import { describe, expect, it } from "vitest";
import { guessProtocol, matchEndpoint } from "./endpoints.js";

describe("matchEndpoint", () => {
  it("maps each protocol's generation path", () => {
    expect(matchEndpoint("POST", "/v1/chat/completions", {})).toMatchObject({
      endpoint: { protocol: "openai-chat" },
    });
    expect(matchEndpoint("POST", "/v1/responses", {})).toMatchObject({
      endpoint: { protocol: "openai-responses" },
    });
    expect(matchEndpoint("POST", "/v1/messages", {})).toMatchObject({ endpoint: { protocol: "anthropic" } });
    expect(matchEndpoint("POST", "/v1/messages/count_tokens", {})).toMatchObject({
      endpoint: { kind: "count-tokens", protocol: "anthropic" },
    });
  });

  it("reads the Gemini model and method from the path, under /v1beta and /v1", () => {
    expect(matchEndpoint("POST", "/v1beta/models/gemini-2.5-pro:streamGenerateContent", {})).toEqual({
      endpoint: { kind: "generate", protocol: "gemini", info: { model: "gemini-2.5-pro", stream: true } },
    });
    expect(matchEndpoint("POST", "/v1/models/route%2Fname:generateContent", {})).toEqual({
      endpoint: { kind: "generate", protocol: "gemini", info: { model: "route/name", stream: false } },
    });
    expect(matchEndpoint("POST", "/v1beta/models/g:countTokens", {})).toMatchObject({
      endpoint: { kind: "count-tokens", protocol: "gemini", info: { model: "g" } },
    });
  });

  it("answers Claude Code's probes and refuses wrong methods", () => {
    expect(matchEndpoint("HEAD", "/", {})).toEqual({ endpoint: { kind: "probe" } });
    expect(matchEndpoint("HEAD", "/api/hello", {})).toEqual({ endpoint: { kind: "probe" } });
    expect(matchEndpoint("GET", "/v1/messages", {})).toEqual({ error: "method-not-allowed", allow: "POST" });
    expect(matchEndpoint("POST", "/v2/nothing", {})).toEqual({ error: "not-found" });
  });

  it("guesses the protocol of unknown requests from path and headers, for error shapes", () => {
    expect(guessProtocol("/v1/models", { "anthropic-version": "2023-06-01" })).toBe("anthropic");
    expect(guessProtocol("/v1beta/models", {})).toBe("gemini");
    expect(guessProtocol("/v1/models", {})).toBe("openai-chat");
  });
});
