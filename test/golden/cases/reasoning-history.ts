import { expect } from "vitest";
import { partsOf } from "../support/conversation-view.js";
import { REASONING_TARGETS, type RequestCase } from "../support/request-case.js";
import { readRequestFields, warningCodes } from "../support/request-fields.js";
import { TOOLS } from "./tool-choice.js";

const QUESTION = "What is the weather in Paris?";
const THOUGHT = "The user wants the weather; call get_weather.";
const ARGS = { city: "Paris" };
const PLACEHOLDER = "skip_thought_signature_validator";

/** Signed reasoning from the client's own protocol, replayed in an unfinished tool loop. */
export const reasoningSigned: RequestCase = {
  name: "reasoning-signed",
  summary:
    "history with thinking signed by the client's protocol (OpenRouter reasoning_details, Responses encrypted_content, Anthropic signature, Gemini thoughtSignature) before a tool call and its result",
  targets: REASONING_TARGETS,
  signatures: {
    "chat-sig-1": "openai-chat",
    "resp-enc-1": "openai-responses",
    "ant-sig-1": "anthropic",
    "gem-sig-1": "gemini",
  },
  inputs: {
    "openai-chat": {
      body: {
        model: "client-model",
        reasoning_effort: "medium",
        tools: TOOLS["openai-chat"],
        messages: [
          { role: "user", content: QUESTION },
          {
            role: "assistant",
            content: null,
            reasoning_details: [
              {
                type: "reasoning.text",
                text: THOUGHT,
                signature: "chat-sig-1",
                format: "anthropic-claude-v1",
                index: 0,
              },
            ],
            tool_calls: [
              {
                id: "call_weather_1",
                type: "function",
                function: { name: "get_weather", arguments: JSON.stringify(ARGS) },
              },
            ],
          },
          { role: "tool", tool_call_id: "call_weather_1", content: "Sunny, 22 C" },
        ],
      },
    },
    "openai-responses": {
      body: {
        model: "client-model",
        reasoning: { effort: "medium", summary: "auto" },
        include: ["reasoning.encrypted_content"],
        tools: TOOLS["openai-responses"],
        input: [
          { role: "user", content: QUESTION },
          {
            type: "reasoning",
            id: "rs_1",
            summary: [{ type: "summary_text", text: THOUGHT }],
            encrypted_content: "resp-enc-1",
          },
          {
            type: "function_call",
            call_id: "call_weather_1",
            name: "get_weather",
            arguments: JSON.stringify(ARGS),
          },
          { type: "function_call_output", call_id: "call_weather_1", output: "Sunny, 22 C" },
        ],
      },
    },
    anthropic: {
      body: {
        model: "client-model",
        max_tokens: 16000,
        thinking: { type: "enabled", budget_tokens: 8192 },
        tools: TOOLS.anthropic,
        messages: [
          { role: "user", content: QUESTION },
          {
            role: "assistant",
            content: [
              { type: "thinking", thinking: THOUGHT, signature: "ant-sig-1" },
              { type: "tool_use", id: "toolu_weather_1", name: "get_weather", input: ARGS },
            ],
          },
          {
            role: "user",
            content: [{ type: "tool_result", tool_use_id: "toolu_weather_1", content: "Sunny, 22 C" }],
          },
        ],
      },
    },
    gemini: {
      info: { model: "client-model" },
      body: {
        tools: TOOLS.gemini,
        generationConfig: { thinkingConfig: { thinkingLevel: "MEDIUM", includeThoughts: true } },
        contents: [
          { role: "user", parts: [{ text: QUESTION }] },
          {
            role: "model",
            parts: [
              { text: THOUGHT, thought: true },
              { functionCall: { name: "get_weather", args: ARGS }, thoughtSignature: "gem-sig-1" },
            ],
          },
          {
            role: "user",
            parts: [{ functionResponse: { name: "get_weather", response: { output: "Sunny, 22 C" } } }],
          },
        ],
      },
    },
  },
  check({ from, to, body, warnings, target }) {
    const fields = readRequestFields(to, body);
    if (from === to) {
      // The native artifact comes back with its reasoning text.
      expect(partsOf(target, "thinking").some((part) => part.text === THOUGHT || to === "gemini")).toBe(true);
    }
    if (to === "anthropic" && from !== "anthropic") {
      // The tool loop's last call has no Anthropic thinking block: thinking must be off, or Anthropic rejects it.
      expect(fields.thinkingDisabled).toBe(true);
      expect(warningCodes(warnings)).toContain("thinking_disabled");
    }
    if (to === "anthropic" && from === "anthropic") expect(fields.budget).toBe(8192);
    if (to === "gemini" && from !== "gemini") {
      expect(JSON.stringify(body)).toContain(PLACEHOLDER);
      expect(warningCodes(warnings)).toContain("gemini_thought_signature_placeholder");
    }
    if (to === "gemini" && from === "gemini") expect(JSON.stringify(body)).not.toContain(PLACEHOLDER);
    if (from === "gemini" && to !== "gemini") {
      // The functionCall's thoughtSignature cannot go to another protocol: dropped, and said so.
      expect(warningCodes(warnings)).toContain("tool_call_signature_dropped");
    }
  },
};

/**
 * What each client holds after an earlier turn through llmux to a foreign upstream: a
 * Responses client keeps an Anthropic signature inside llmux's envelope; the others got
 * reasoning text without a signature they could replay.
 */
export const reasoningForeign: RequestCase = {
  name: "reasoning-foreign",
  summary:
    "replayed reasoning issued by another protocol: a Responses item enveloping an Anthropic signature (llmux1:anthropic:...), unsigned thinking elsewhere",
  targets: REASONING_TARGETS,
  signatures: { "ant-sig-9": "anthropic" },
  inputs: {
    "openai-chat": {
      body: {
        model: "client-model",
        reasoning_effort: "medium",
        tools: TOOLS["openai-chat"],
        messages: [
          { role: "user", content: QUESTION },
          {
            role: "assistant",
            content: null,
            reasoning_content: THOUGHT,
            tool_calls: [
              {
                id: "call_weather_1",
                type: "function",
                function: { name: "get_weather", arguments: JSON.stringify(ARGS) },
              },
            ],
          },
          { role: "tool", tool_call_id: "call_weather_1", content: "Sunny, 22 C" },
        ],
      },
    },
    "openai-responses": {
      body: {
        model: "client-model",
        reasoning: { effort: "medium" },
        tools: TOOLS["openai-responses"],
        input: [
          { role: "user", content: QUESTION },
          {
            type: "reasoning",
            summary: [{ type: "summary_text", text: THOUGHT }],
            encrypted_content: "llmux1:anthropic:ant-sig-9",
          },
          {
            type: "function_call",
            call_id: "toolu_weather_1",
            name: "get_weather",
            arguments: JSON.stringify(ARGS),
          },
          { type: "function_call_output", call_id: "toolu_weather_1", output: "Sunny, 22 C" },
        ],
      },
    },
    anthropic: {
      body: {
        model: "client-model",
        max_tokens: 16000,
        thinking: { type: "enabled", budget_tokens: 8192 },
        tools: TOOLS.anthropic,
        messages: [
          { role: "user", content: QUESTION },
          {
            role: "assistant",
            content: [
              { type: "thinking", thinking: THOUGHT, signature: "" },
              { type: "tool_use", id: "call_weather_1", name: "get_weather", input: ARGS },
            ],
          },
          {
            role: "user",
            content: [{ type: "tool_result", tool_use_id: "call_weather_1", content: "Sunny, 22 C" }],
          },
        ],
      },
    },
    gemini: {
      info: { model: "client-model" },
      body: {
        tools: TOOLS.gemini,
        generationConfig: { thinkingConfig: { thinkingLevel: "MEDIUM", includeThoughts: true } },
        contents: [
          { role: "user", parts: [{ text: QUESTION }] },
          {
            role: "model",
            parts: [{ text: THOUGHT, thought: true }, { functionCall: { name: "get_weather", args: ARGS } }],
          },
          {
            role: "user",
            parts: [{ functionResponse: { name: "get_weather", response: { output: "Sunny, 22 C" } } }],
          },
        ],
      },
    },
  },
  check({ from, to, body, warnings }) {
    const fields = readRequestFields(to, body);
    if (to === "anthropic") {
      // Only the enveloped Anthropic signature makes the replayed thinking valid for Anthropic.
      expect(fields.thinkingDisabled === true, "thinking stays on only with a valid signature").toBe(
        from !== "openai-responses",
      );
      if (from !== "openai-responses") expect(warningCodes(warnings)).toContain("thinking_dropped");
    }
    if (to === "gemini") expect(JSON.stringify(body)).toContain(PLACEHOLDER);
  },
};
