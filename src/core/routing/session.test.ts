import { describe, expect, it } from "vitest";
import type { JsonObject } from "../model/json.js";
import type { Protocol } from "../model/protocol.js";
import { MAX_SESSION_ID_LENGTH, sessionIdOf } from "./session.js";

const CLAUDE_SESSION = "2f8c4a4e-9b6d-4d5e-8a3b-1c2d3e4f5a6b";
const CODEX_CONVERSATION = "0199a0d4-7c1e-7a52-9f3e-5b8e2c1d4f6a";

/** Headers as Claude Code 2.x sends them (node lower-cases names). */
const claudeCodeHeaders = {
  "user-agent": "claude-cli/2.1.80 (external, cli)",
  "anthropic-version": "2023-06-01",
  "anthropic-beta": "claude-code-20250219,interleaved-thinking-2025-05-14",
  "x-app": "cli",
  "x-stainless-lang": "js",
};

const anthropicBody = (userId: string): JsonObject => ({
  model: "claude-sonnet-4-5",
  max_tokens: 32000,
  messages: [{ role: "user", content: "hi" }],
  metadata: { user_id: userId },
});

/** Headers as the Codex CLI sends them to the Responses API. */
const codexHeaders = {
  "user-agent": "codex_cli_rs/0.58.0 (Mac OS 15.1.0; arm64) iTerm.app/3.5.10",
  originator: "codex_cli_rs",
  version: "0.58.0",
  session_id: CODEX_CONVERSATION,
  conversation_id: CODEX_CONVERSATION,
  "openai-beta": "responses=experimental",
};

const codexBody: JsonObject = {
  model: "gpt-5-codex",
  instructions: "You are Codex.",
  input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }],
  stream: true,
  store: false,
  prompt_cache_key: CODEX_CONVERSATION,
};

describe("sessionIdOf", () => {
  const cases: {
    name: string;
    protocol: Protocol;
    body: JsonObject;
    headers: Record<string, string | undefined>;
    expected: string | undefined;
  }[] = [
    {
      name: "Claude Code: session header",
      protocol: "anthropic",
      body: anthropicBody("user_abc_account__session_other"),
      headers: { ...claudeCodeHeaders, "x-claude-code-session-id": CLAUDE_SESSION },
      expected: CLAUDE_SESSION,
    },
    {
      name: "Claude Code (before 2.1.78): the session part of metadata.user_id",
      protocol: "anthropic",
      body: anthropicBody(
        `user_7d3f0c2b9e8a41d6b5c4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2_account__session_${CLAUDE_SESSION}`,
      ),
      headers: claudeCodeHeaders,
      expected: CLAUDE_SESSION,
    },
    {
      name: "Claude Code (2.1.78 and later): metadata.user_id as JSON text",
      protocol: "anthropic",
      body: anthropicBody(
        JSON.stringify({ device_id: "d1e2v3", account_uuid: "", session_id: CLAUDE_SESSION }),
      ),
      headers: claudeCodeHeaders,
      expected: CLAUDE_SESSION,
    },
    {
      name: "another Anthropic client: the whole user_id",
      protocol: "anthropic",
      body: anthropicBody("customer-42"),
      headers: {},
      expected: "customer-42",
    },
    {
      name: "Codex: session_id header",
      protocol: "openai-responses",
      body: codexBody,
      headers: codexHeaders,
      expected: CODEX_CONVERSATION,
    },
    {
      name: "Codex: conversation_id header alone",
      protocol: "openai-responses",
      body: {},
      headers: { conversation_id: "conv-1" },
      expected: "conv-1",
    },
    {
      name: "Codex: prompt_cache_key when no header",
      protocol: "openai-responses",
      body: codexBody,
      headers: { "user-agent": "codex_cli_rs/0.58.0" },
      expected: CODEX_CONVERSATION,
    },
    {
      name: "chat completions: prompt_cache_key",
      protocol: "openai-chat",
      body: { model: "gpt-5", messages: [], prompt_cache_key: "pck-1" },
      headers: {},
      expected: "pck-1",
    },
    {
      name: "x-llmux-session wins over everything",
      protocol: "openai-responses",
      body: codexBody,
      headers: { ...codexHeaders, "X-Llmux-Session": " mine " },
      expected: "mine",
    },
    {
      name: "metadata.user_id means nothing outside Anthropic",
      protocol: "openai-chat",
      body: { metadata: { user_id: "u" } },
      headers: {},
      expected: undefined,
    },
    {
      name: "prompt_cache_key means nothing to Anthropic",
      protocol: "anthropic",
      body: { prompt_cache_key: "k" },
      headers: {},
      expected: undefined,
    },
    {
      name: "Gemini without a header",
      protocol: "gemini",
      body: { contents: [] },
      headers: {},
      expected: undefined,
    },
    {
      name: "empty values are no session",
      protocol: "anthropic",
      body: anthropicBody("  "),
      headers: { "x-llmux-session": "", "x-claude-code-session-id": undefined },
      expected: undefined,
    },
  ];
  for (const testCase of cases) {
    it(testCase.name, () => {
      expect(sessionIdOf(testCase.protocol, testCase.body, testCase.headers)).toBe(testCase.expected);
    });
  }

  it("bounds the id, and takes the first of repeated headers", () => {
    const long = "x".repeat(5000);
    expect(sessionIdOf("gemini", {}, { "x-llmux-session": long })).toHaveLength(MAX_SESSION_ID_LENGTH);
    expect(sessionIdOf("gemini", {}, { "x-llmux-session": ["first", "second"] })).toBe("first");
  });
});
