import type { JsonObject, JsonValue } from "../../../src/core/model/json.js";
import { assertNever, type Protocol } from "../../../src/core/model/protocol.js";
import { objectOf, stringOf } from "./json-access.js";

/** Sampling, output format and reasoning settings of a wire request, read the same way for every protocol. */
export interface RequestFields {
  maxTokens?: JsonValue;
  temperature?: JsonValue;
  stop?: JsonValue;
  /** The JSON schema the output must follow. */
  schema?: JsonValue;
  /** Effort level (`thinkingLevel` for Gemini 3), as the wire spells it. */
  effort?: string;
  /** Thinking budget in tokens (`thinkingBudget: 0` reads as disabled). */
  budget?: number;
  /** Thinking explicitly switched off. */
  thinkingDisabled?: boolean;
}

function put(fields: RequestFields, key: keyof RequestFields, value: JsonValue | undefined): void {
  if (value !== undefined) (fields as Record<string, JsonValue>)[key] = value;
}

export function readRequestFields(protocol: Protocol, body: JsonObject): RequestFields {
  const fields: RequestFields = {};
  switch (protocol) {
    case "openai-chat": {
      put(fields, "maxTokens", body.max_completion_tokens ?? body.max_tokens);
      put(fields, "temperature", body.temperature);
      put(fields, "stop", body.stop);
      put(fields, "schema", objectOf(objectOf(body.response_format)?.json_schema)?.schema);
      const effort = stringOf(body.reasoning_effort);
      if (effort === "none") fields.thinkingDisabled = true;
      else if (effort !== undefined) fields.effort = effort;
      return fields;
    }
    case "openai-responses": {
      put(fields, "maxTokens", body.max_output_tokens);
      put(fields, "temperature", body.temperature);
      put(fields, "schema", objectOf(objectOf(body.text)?.format)?.schema);
      const effort = stringOf(objectOf(body.reasoning)?.effort);
      if (effort === "none") fields.thinkingDisabled = true;
      else if (effort !== undefined) fields.effort = effort;
      return fields;
    }
    case "anthropic": {
      put(fields, "maxTokens", body.max_tokens);
      put(fields, "temperature", body.temperature);
      put(fields, "stop", body.stop_sequences);
      const config = objectOf(body.output_config);
      put(fields, "schema", objectOf(config?.format)?.schema ?? objectOf(body.output_format)?.schema);
      const thinking = objectOf(body.thinking);
      if (thinking?.type === "disabled") fields.thinkingDisabled = true;
      if (typeof thinking?.budget_tokens === "number") fields.budget = thinking.budget_tokens;
      const effort = stringOf(config?.effort);
      if (effort !== undefined) fields.effort = effort;
      return fields;
    }
    case "gemini": {
      const generation = objectOf(body.generationConfig);
      put(fields, "maxTokens", generation?.maxOutputTokens);
      put(fields, "temperature", generation?.temperature);
      put(fields, "stop", generation?.stopSequences);
      put(fields, "schema", generation?.responseJsonSchema ?? generation?.responseSchema);
      const thinking = objectOf(generation?.thinkingConfig);
      const level = stringOf(thinking?.thinkingLevel);
      if (level !== undefined) fields.effort = level;
      if (thinking?.thinkingBudget === 0) fields.thinkingDisabled = true;
      else if (typeof thinking?.thinkingBudget === "number") fields.budget = thinking.thinkingBudget;
      return fields;
    }
    default:
      return assertNever(protocol, "protocol");
  }
}

/** Warning codes, for checks that a loss was reported. */
export function warningCodes(warnings: readonly { code: string }[]): string[] {
  return warnings.map((warning) => warning.code);
}
