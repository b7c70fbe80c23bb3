import { expect } from "vitest";
import type { JsonObject, JsonValue } from "../../../src/core/model/json.js";
import type { Protocol } from "../../../src/core/model/protocol.js";
import type { ToolChoiceView } from "../support/conversation-view.js";
import { objectOf, objectsOf } from "../support/json-access.js";
import type { RequestCase, RequestInput } from "../support/request-case.js";
import { warningCodes } from "../support/request-fields.js";

export const WEATHER_SCHEMA: JsonObject = {
  type: "object",
  properties: { city: { type: "string", description: "City name" } },
  required: ["city"],
};
export const TIME_SCHEMA: JsonObject = {
  type: "object",
  properties: { zone: { type: "string" } },
  required: ["zone"],
};
const QUESTION = "What is the weather in Paris and the time in Tokyo?";

/** The tool definitions in each protocol's shape. */
export const TOOLS: Record<Protocol, JsonValue> = {
  "openai-chat": [
    {
      type: "function",
      function: { name: "get_weather", description: "Current weather", parameters: WEATHER_SCHEMA },
    },
    { type: "function", function: { name: "get_time", parameters: TIME_SCHEMA } },
  ],
  "openai-responses": [
    {
      type: "function",
      name: "get_weather",
      description: "Current weather",
      parameters: WEATHER_SCHEMA,
      strict: false,
    },
    { type: "function", name: "get_time", parameters: TIME_SCHEMA, strict: false },
  ],
  anthropic: [
    { name: "get_weather", description: "Current weather", input_schema: WEATHER_SCHEMA },
    { name: "get_time", input_schema: TIME_SCHEMA },
  ],
  gemini: [
    {
      functionDeclarations: [
        { name: "get_weather", description: "Current weather", parametersJsonSchema: WEATHER_SCHEMA },
        { name: "get_time", parametersJsonSchema: TIME_SCHEMA },
      ],
    },
  ],
};

/** Tool parameter schemas as sent, by tool name. */
export function toolSchemas(protocol: Protocol, body: JsonObject): Record<string, JsonValue | undefined> {
  const schemas: Record<string, JsonValue | undefined> = {};
  const tools = objectsOf(body.tools);
  for (const tool of protocol === "gemini"
    ? tools.flatMap((entry) => objectsOf(entry.functionDeclarations))
    : tools) {
    const fn = objectOf(tool.function) ?? tool;
    schemas[String(fn.name)] = fn.parameters ?? tool.input_schema ?? tool.parametersJsonSchema;
  }
  return schemas;
}

type ChoiceWire = Partial<Record<Protocol, JsonObject>>;

function toolChoiceCase(
  variant: string,
  summary: string,
  wire: ChoiceWire,
  expected: ToolChoiceView,
  parallelOff = false,
): RequestCase {
  const inputs: Partial<Record<Protocol, RequestInput>> = {};
  const chat = wire["openai-chat"];
  if (chat !== undefined) {
    inputs["openai-chat"] = {
      body: {
        model: "client-model",
        messages: [{ role: "user", content: QUESTION }],
        tools: TOOLS["openai-chat"],
        ...chat,
      },
    };
  }
  const responses = wire["openai-responses"];
  if (responses !== undefined) {
    inputs["openai-responses"] = {
      body: { model: "client-model", input: QUESTION, tools: TOOLS["openai-responses"], ...responses },
    };
  }
  const anthropic = wire.anthropic;
  if (anthropic !== undefined) {
    inputs.anthropic = {
      body: {
        model: "client-model",
        max_tokens: 1024,
        messages: [{ role: "user", content: QUESTION }],
        tools: TOOLS.anthropic,
        ...anthropic,
      },
    };
  }
  const gemini = wire.gemini;
  if (gemini !== undefined) {
    inputs.gemini = {
      info: { model: "client-model" },
      body: { contents: [{ role: "user", parts: [{ text: QUESTION }] }], tools: TOOLS.gemini, ...gemini },
    };
  }
  return {
    name: `tool-choice-${variant}`,
    summary,
    inputs,
    check({ to, body, warnings, target }) {
      expect(target.tools).toEqual(["get_weather", "get_time"]);
      expect(toolSchemas(to, body)).toEqual({ get_weather: WEATHER_SCHEMA, get_time: TIME_SCHEMA });
      expect(target.toolChoice).toEqual(expected);
      if (!parallelOff) expect(target.parallelToolCalls).toBeUndefined();
      else if (to === "gemini") expect(warningCodes(warnings)).toContain("gemini_parallel_tool_calls");
      else expect(target.parallelToolCalls, "parallel calls stay forbidden").toBe(false);
    },
  };
}

export const toolChoiceCases: RequestCase[] = [
  toolChoiceCase(
    "auto",
    "two tools, tool_choice auto",
    {
      "openai-chat": { tool_choice: "auto" },
      "openai-responses": { tool_choice: "auto" },
      anthropic: { tool_choice: { type: "auto" } },
      gemini: { toolConfig: { functionCallingConfig: { mode: "AUTO" } } },
    },
    "auto",
  ),
  toolChoiceCase(
    "none",
    "two tools, tool_choice none",
    {
      "openai-chat": { tool_choice: "none" },
      "openai-responses": { tool_choice: "none" },
      anthropic: { tool_choice: { type: "none" } },
      gemini: { toolConfig: { functionCallingConfig: { mode: "NONE" } } },
    },
    "none",
  ),
  toolChoiceCase(
    "required",
    "two tools, tool_choice required (Anthropic any, Gemini ANY)",
    {
      "openai-chat": { tool_choice: "required" },
      "openai-responses": { tool_choice: "required" },
      anthropic: { tool_choice: { type: "any" } },
      gemini: { toolConfig: { functionCallingConfig: { mode: "ANY" } } },
    },
    "required",
  ),
  toolChoiceCase(
    "named",
    "two tools, tool_choice naming get_weather (Gemini ANY + allowedFunctionNames)",
    {
      "openai-chat": { tool_choice: { type: "function", function: { name: "get_weather" } } },
      "openai-responses": { tool_choice: { type: "function", name: "get_weather" } },
      anthropic: { tool_choice: { type: "tool", name: "get_weather" } },
      gemini: {
        toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["get_weather"] } },
      },
    },
    { tool: "get_weather" },
  ),
  toolChoiceCase(
    "parallel-off",
    "tool_choice auto with parallel calls forbidden (parallel_tool_calls=false / disable_parallel_tool_use); no Gemini row: Gemini cannot say it",
    {
      "openai-chat": { tool_choice: "auto", parallel_tool_calls: false },
      "openai-responses": { tool_choice: "auto", parallel_tool_calls: false },
      anthropic: { tool_choice: { type: "auto", disable_parallel_tool_use: true } },
    },
    "auto",
    true,
  ),
];
