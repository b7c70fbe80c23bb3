import { expect } from "vitest";
import type { JsonObject } from "../../../src/core/model/json.js";
import { partsOf } from "../support/conversation-view.js";
import { objectOf, objectsOf } from "../support/json-access.js";
import type { RequestCase } from "../support/request-case.js";
import { TOOLS, toolSchemas } from "./tool-choice.js";

const QUESTION = "What is the weather in Paris and the time in Tokyo?";
const WEATHER_ARGS = '{"city":"Paris"}';
const TIME_ARGS = '{"zone":"Asia/Tokyo"}';
const TIME_RESULT = '{"time":"09:30"}';

/** An assistant turn with text and two parallel calls, both results, then a human turn. */
export const parallelCallsHistory: RequestCase = {
  name: "parallel-calls-history",
  summary:
    "assistant text + two parallel tool calls, their two results, then a human turn (Gemini: no ids, matched by name)",
  inputs: {
    "openai-chat": {
      body: {
        model: "client-model",
        tools: TOOLS["openai-chat"],
        messages: [
          { role: "user", content: QUESTION },
          {
            role: "assistant",
            content: "Let me check both.",
            tool_calls: [
              {
                id: "call_weather_1",
                type: "function",
                function: { name: "get_weather", arguments: WEATHER_ARGS },
              },
              { id: "call_time_1", type: "function", function: { name: "get_time", arguments: TIME_ARGS } },
            ],
          },
          { role: "tool", tool_call_id: "call_weather_1", content: "Sunny, 22 C" },
          { role: "tool", tool_call_id: "call_time_1", content: TIME_RESULT },
          { role: "user", content: "Thanks. And tomorrow?" },
        ],
      },
    },
    "openai-responses": {
      body: {
        model: "client-model",
        tools: TOOLS["openai-responses"],
        input: [
          { role: "user", content: QUESTION },
          {
            type: "message",
            role: "assistant",
            content: [{ type: "output_text", text: "Let me check both." }],
          },
          { type: "function_call", call_id: "call_weather_1", name: "get_weather", arguments: WEATHER_ARGS },
          { type: "function_call", call_id: "call_time_1", name: "get_time", arguments: TIME_ARGS },
          { type: "function_call_output", call_id: "call_weather_1", output: "Sunny, 22 C" },
          { type: "function_call_output", call_id: "call_time_1", output: TIME_RESULT },
          { role: "user", content: "Thanks. And tomorrow?" },
        ],
      },
    },
    anthropic: {
      body: {
        model: "client-model",
        max_tokens: 1024,
        tools: TOOLS.anthropic,
        messages: [
          { role: "user", content: QUESTION },
          {
            role: "assistant",
            content: [
              { type: "text", text: "Let me check both." },
              { type: "tool_use", id: "toolu_weather_1", name: "get_weather", input: { city: "Paris" } },
              { type: "tool_use", id: "toolu_time_1", name: "get_time", input: { zone: "Asia/Tokyo" } },
            ],
          },
          {
            role: "user",
            content: [
              { type: "tool_result", tool_use_id: "toolu_weather_1", content: "Sunny, 22 C" },
              {
                type: "tool_result",
                tool_use_id: "toolu_time_1",
                content: [{ type: "text", text: TIME_RESULT }],
              },
              { type: "text", text: "Thanks. And tomorrow?" },
            ],
          },
        ],
      },
    },
    gemini: {
      info: { model: "client-model" },
      body: {
        tools: TOOLS.gemini,
        contents: [
          { role: "user", parts: [{ text: QUESTION }] },
          {
            role: "model",
            parts: [
              { text: "Let me check both." },
              { functionCall: { name: "get_weather", args: { city: "Paris" } } },
              { functionCall: { name: "get_time", args: { zone: "Asia/Tokyo" } } },
            ],
          },
          {
            role: "user",
            parts: [
              { functionResponse: { name: "get_weather", response: { output: "Sunny, 22 C" } } },
              { functionResponse: { name: "get_time", response: { time: "09:30" } } },
            ],
          },
          { role: "user", parts: [{ text: "Thanks. And tomorrow?" }] },
        ],
      },
    },
  },
  check({ target }) {
    expect(target.tools).toEqual(["get_weather", "get_time"]);
    expect(partsOf(target, "text").map((part) => part.text)).toEqual([
      QUESTION,
      "Let me check both.",
      "Thanks. And tomorrow?",
    ]);
    // The two calls sit in one assistant turn: they stay parallel.
    const callTurns = target.turns.filter((turn) => turn.parts.some((part) => part.kind === "call"));
    expect(callTurns).toHaveLength(1);
    expect(callTurns[0]?.role).toBe("assistant");
  },
};

const NO_PARAMETERS_DESCRIPTION = "Service status";

/** A tool without parameters, called without arguments (`""` from Chat and Responses clients). */
export const noArgumentCall: RequestCase = {
  name: "no-argument-call",
  summary:
    'a tool declared without parameters, called with no arguments ("" from Chat/Responses, {} / absent elsewhere), after a whitespace-only assistant text that no upstream may receive',
  inputs: {
    "openai-chat": {
      body: {
        model: "client-model",
        tools: [
          { type: "function", function: { name: "get_status", description: NO_PARAMETERS_DESCRIPTION } },
        ],
        messages: [
          { role: "user", content: "Is the service up?" },
          {
            role: "assistant",
            content: " ",
            tool_calls: [
              { id: "call_status_1", type: "function", function: { name: "get_status", arguments: "" } },
            ],
          },
          { role: "tool", tool_call_id: "call_status_1", content: "All systems operational." },
          { role: "user", content: "Great." },
        ],
      },
    },
    "openai-responses": {
      body: {
        model: "client-model",
        tools: [
          { type: "function", name: "get_status", description: NO_PARAMETERS_DESCRIPTION, strict: false },
        ],
        input: [
          { role: "user", content: "Is the service up?" },
          { type: "message", role: "assistant", content: [{ type: "output_text", text: "\n" }] },
          { type: "function_call", call_id: "call_status_1", name: "get_status", arguments: "" },
          { type: "function_call_output", call_id: "call_status_1", output: "All systems operational." },
          { role: "user", content: "Great." },
        ],
      },
    },
    anthropic: {
      body: {
        model: "client-model",
        max_tokens: 1024,
        tools: [
          { name: "get_status", description: NO_PARAMETERS_DESCRIPTION, input_schema: { type: "object" } },
        ],
        messages: [
          { role: "user", content: "Is the service up?" },
          {
            role: "assistant",
            content: [
              { type: "text", text: "\n\n" },
              { type: "tool_use", id: "toolu_status_1", name: "get_status", input: {} },
            ],
          },
          {
            role: "user",
            content: [
              { type: "tool_result", tool_use_id: "toolu_status_1", content: "All systems operational." },
              { type: "text", text: "Great." },
            ],
          },
        ],
      },
    },
    gemini: {
      info: { model: "client-model" },
      body: {
        tools: [{ functionDeclarations: [{ name: "get_status", description: NO_PARAMETERS_DESCRIPTION }] }],
        contents: [
          { role: "user", parts: [{ text: "Is the service up?" }] },
          { role: "model", parts: [{ text: " " }, { functionCall: { name: "get_status" } }] },
          {
            role: "user",
            parts: [
              { functionResponse: { name: "get_status", response: { output: "All systems operational." } } },
            ],
          },
          { role: "user", parts: [{ text: "Great." }] },
        ],
      },
    },
  },
  check({ to, body, target }) {
    expect(partsOf(target, "call").map((call) => call.args)).toEqual([{}]);
    // The wire form of "no arguments": the text "{}" (never ""), or an empty object.
    const json = JSON.stringify(body);
    if (to === "openai-chat" || to === "openai-responses") expect(json).toContain('"arguments":"{}"');
    if (to === "anthropic") expect(json).toContain('"input":{}');
    if (to === "gemini") expect(json).toContain('"args":{}');
    const schema = objectOf(toolSchemas(to, body).get_status) as JsonObject | undefined;
    expect(schema?.type, "a parameterless tool still declares an object schema").toBe("object");
    expect(objectsOf(body.tools)).not.toHaveLength(0);
  },
};
