import type { JsonObject, JsonValue } from "../../model/json.js";

/** Builders of Responses output items and the response object, shared by both encoders. */
export type ItemStatus = "in_progress" | "completed";

export function outputTextPart(text: string): JsonObject {
  return { type: "output_text", text, annotations: [], logprobs: [] };
}

export function refusalPart(text: string): JsonObject {
  return { type: "refusal", refusal: text };
}

export function messageItem(id: string, content: JsonObject[], status: ItemStatus): JsonObject {
  return { id, type: "message", status, role: "assistant", content };
}

export function reasoningItem(
  id: string,
  summaries: readonly string[],
  encrypted: string | undefined,
): JsonObject {
  const item: JsonObject = {
    id,
    type: "reasoning",
    summary: summaries.map((text) => ({ type: "summary_text", text })),
  };
  if (encrypted !== undefined) item.encrypted_content = encrypted;
  return item;
}

export function functionCallItem(
  id: string,
  callId: string,
  name: string,
  argumentsText: string,
  status: ItemStatus,
): JsonObject {
  return { id, type: "function_call", status, arguments: argumentsText, call_id: callId, name };
}

export function customToolCallItem(
  id: string,
  callId: string,
  name: string,
  input: string,
  status: ItemStatus,
): JsonObject {
  return { id, type: "custom_tool_call", status, call_id: callId, name, input };
}

export interface ResponseObjectFields {
  id: string;
  model: string;
  /** Unix seconds. */
  createdAt: number;
  status: "in_progress" | "completed" | "incomplete" | "failed";
  output: JsonValue[];
  usage: JsonObject | null;
  incompleteDetails?: JsonObject | null;
  error?: JsonObject | null;
}

/** The Response object (as in response.created / response.completed and non-stream bodies). */
export function responseObject(fields: ResponseObjectFields): JsonObject {
  return {
    id: fields.id,
    object: "response",
    created_at: fields.createdAt,
    status: fields.status,
    background: false,
    error: fields.error ?? null,
    incomplete_details: fields.incompleteDetails ?? null,
    instructions: null,
    max_output_tokens: null,
    model: fields.model,
    output: fields.output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: null,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: null,
    truncation: "disabled",
    usage: fields.usage,
    user: null,
    metadata: {},
  };
}
