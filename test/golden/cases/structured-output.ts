import { expect } from "vitest";
import type { JsonObject } from "../../../src/core/model/json.js";
import { objectOf } from "../support/json-access.js";
import type { RequestCase, RequestInput } from "../support/request-case.js";
import { readRequestFields, warningCodes } from "../support/request-fields.js";
import { TOOLS } from "./tool-choice.js";

const PERSON_SCHEMA: JsonObject = {
  type: "object",
  properties: { name: { type: "string" }, age: { type: "integer" } },
  required: ["name", "age"],
  additionalProperties: false,
};
const PROMPT = "Extract the person: Ada Lovelace, 36.";

function inputs(
  withTools: boolean,
): Partial<Record<"openai-chat" | "openai-responses" | "anthropic" | "gemini", RequestInput>> {
  const tools = (protocol: keyof typeof TOOLS): JsonObject => (withTools ? { tools: TOOLS[protocol] } : {});
  const rows: Partial<Record<"openai-chat" | "openai-responses" | "anthropic" | "gemini", RequestInput>> = {
    "openai-chat": {
      body: {
        model: "client-model",
        messages: [{ role: "user", content: PROMPT }],
        response_format: {
          type: "json_schema",
          json_schema: { name: "person", schema: PERSON_SCHEMA, strict: true },
        },
        ...tools("openai-chat"),
      },
    },
    "openai-responses": {
      body: {
        model: "client-model",
        input: PROMPT,
        text: { format: { type: "json_schema", name: "person", schema: PERSON_SCHEMA, strict: true } },
        ...tools("openai-responses"),
      },
    },
    anthropic: {
      body: {
        model: "client-model",
        max_tokens: 1024,
        messages: [{ role: "user", content: PROMPT }],
        output_config: { format: { type: "json_schema", schema: PERSON_SCHEMA } },
        ...tools("anthropic"),
      },
    },
  };
  if (!withTools) {
    rows.gemini = {
      info: { model: "client-model" },
      body: {
        contents: [{ role: "user", parts: [{ text: PROMPT }] }],
        generationConfig: { responseMimeType: "application/json", responseJsonSchema: PERSON_SCHEMA },
      },
    };
  }
  return rows;
}

/** json_schema output: response_format <-> text.format <-> output_config.format <-> responseJsonSchema. */
export const structuredOutput: RequestCase = {
  name: "structured-output",
  summary: "a json_schema output format in each protocol's field",
  inputs: inputs(false),
  check({ to, body }) {
    expect(readRequestFields(to, body).schema).toEqual(PERSON_SCHEMA);
    if (to === "gemini") expect(objectOf(body.generationConfig)?.responseMimeType).toBe("application/json");
  },
};

/** json_schema output together with tools: Gemini cannot combine the two. */
export const structuredOutputWithTools: RequestCase = {
  name: "structured-output-with-tools",
  summary:
    "a json_schema output format plus tools; Gemini never gets tools with a JSON mime type; no Gemini row: Gemini clients cannot send both",
  inputs: inputs(true),
  check({ to, body, warnings, target }) {
    expect(target.tools).toEqual(["get_weather", "get_time"]);
    if (to === "gemini") {
      expect(readRequestFields(to, body).schema).toBeUndefined();
      expect(warningCodes(warnings)).toContain("gemini_json_output_with_tools");
    } else expect(readRequestFields(to, body).schema).toEqual(PERSON_SCHEMA);
  },
};
