import * as v from "valibot";
import { jsonObject, nonEmptyString, parseAt } from "../shared/validate.js";

/**
 * The Chat Completions request as a client sends it, checked at the wire edge. Lenient:
 * unknown fields pass through (they become `extensions["openai-chat"]`), `null` is accepted
 * wherever a field is optional, and only what the decoder relies on is checked.
 */

const textPart = v.looseObject({ type: v.literal("text"), text: v.string() });
const refusalPart = v.looseObject({ type: v.literal("refusal"), refusal: v.string() });
const imagePart = v.looseObject({
  type: v.literal("image_url"),
  image_url: v.looseObject({
    url: nonEmptyString,
    detail: v.nullish(v.picklist(["auto", "low", "high"])),
  }),
});
const audioPart = v.looseObject({
  type: v.literal("input_audio"),
  input_audio: v.looseObject({ data: v.string(), format: v.string() }),
});
const filePart = v.looseObject({
  type: v.literal("file"),
  file: v.looseObject({
    file_data: v.nullish(v.string()),
    file_id: v.nullish(v.string()),
    filename: v.nullish(v.string()),
  }),
});

const userPart = v.variant("type", [textPart, imagePart, audioPart, filePart]);
const assistantPart = v.variant("type", [textPart, refusalPart]);

const functionCall = v.looseObject({
  id: v.nullish(v.string()),
  type: v.nullish(v.literal("function")),
  function: v.looseObject({ name: v.string(), arguments: v.nullish(v.string()) }),
});
const customCall = v.looseObject({
  id: v.nullish(v.string()),
  type: v.literal("custom"),
  custom: v.looseObject({ name: v.string(), input: v.nullish(v.string()) }),
});

const systemMessage = v.looseObject({
  role: v.picklist(["system", "developer"]),
  content: v.union([v.string(), v.array(textPart)]),
  name: v.nullish(v.string()),
});
const userMessage = v.looseObject({
  role: v.literal("user"),
  content: v.union([v.string(), v.array(userPart)]),
  name: v.nullish(v.string()),
});
const assistantMessage = v.looseObject({
  role: v.literal("assistant"),
  content: v.nullish(v.union([v.string(), v.array(assistantPart)])),
  refusal: v.nullish(v.string()),
  tool_calls: v.nullish(v.array(v.union([functionCall, customCall]))),
  function_call: v.nullish(v.looseObject({ name: v.string(), arguments: v.nullish(v.string()) })),
  reasoning_content: v.nullish(v.string()),
  reasoning: v.nullish(v.string()),
  reasoning_details: v.nullish(v.array(jsonObject)),
  name: v.nullish(v.string()),
});
const toolMessage = v.looseObject({
  role: v.literal("tool"),
  tool_call_id: v.string(),
  content: v.union([v.string(), v.array(textPart)]),
});
const functionMessage = v.looseObject({
  role: v.literal("function"),
  name: v.string(),
  content: v.nullish(v.string()),
});

const message = v.variant("role", [
  systemMessage,
  userMessage,
  assistantMessage,
  toolMessage,
  functionMessage,
]);

const functionTool = v.looseObject({
  type: v.literal("function"),
  function: v.looseObject({
    name: nonEmptyString,
    description: v.nullish(v.string()),
    parameters: v.nullish(jsonObject),
    strict: v.nullish(v.boolean()),
  }),
});
const customTool = v.looseObject({
  type: v.literal("custom"),
  custom: v.looseObject({
    name: nonEmptyString,
    description: v.nullish(v.string()),
    format: v.nullish(jsonObject),
  }),
});

const toolChoice = v.union([
  v.picklist(["auto", "none", "required"]),
  v.looseObject({ type: v.literal("function"), function: v.looseObject({ name: v.string() }) }),
  v.looseObject({ type: v.literal("custom"), custom: v.looseObject({ name: v.string() }) }),
  v.looseObject({
    type: v.literal("allowed_tools"),
    allowed_tools: v.looseObject({ mode: v.picklist(["auto", "required"]), tools: v.array(jsonObject) }),
  }),
]);

const responseFormat = v.variant("type", [
  v.looseObject({ type: v.literal("text") }),
  v.looseObject({ type: v.literal("json_object") }),
  v.looseObject({
    type: v.literal("json_schema"),
    json_schema: v.looseObject({
      name: v.string(),
      description: v.nullish(v.string()),
      schema: v.nullish(jsonObject),
      strict: v.nullish(v.boolean()),
    }),
  }),
]);

const count = v.pipe(v.number(), v.integer(), v.minValue(0));

export const chatRequestSchema = v.looseObject({
  model: nonEmptyString,
  messages: v.pipe(v.array(message), v.minLength(1)),
  tools: v.nullish(v.array(v.variant("type", [functionTool, customTool]))),
  tool_choice: v.nullish(toolChoice),
  parallel_tool_calls: v.nullish(v.boolean()),
  response_format: v.nullish(responseFormat),
  reasoning_effort: v.nullish(v.picklist(["none", "minimal", "low", "medium", "high", "xhigh"])),
  max_tokens: v.nullish(count),
  max_completion_tokens: v.nullish(count),
  temperature: v.nullish(v.number()),
  top_p: v.nullish(v.number()),
  stop: v.nullish(v.union([v.string(), v.array(v.string())])),
  seed: v.nullish(v.pipe(v.number(), v.integer())),
  n: v.nullish(v.pipe(v.number(), v.integer(), v.gtValue(0))),
  frequency_penalty: v.nullish(v.number()),
  presence_penalty: v.nullish(v.number()),
  stream: v.nullish(v.boolean()),
  stream_options: v.nullish(v.looseObject({ include_usage: v.nullish(v.boolean()) })),
  user: v.nullish(v.string()),
  prompt_cache_key: v.nullish(v.string()),
});

export type ChatRequest = v.InferOutput<typeof chatRequestSchema>;
export type ChatMessage = ChatRequest["messages"][number];
export type ChatUserPart = v.InferOutput<typeof userPart>;
export type ChatToolCall = v.InferOutput<typeof functionCall> | v.InferOutput<typeof customCall>;
export type ChatTool = NonNullable<ChatRequest["tools"]>[number];
export type ChatToolChoice = v.InferOutput<typeof toolChoice>;

/** Top-level fields the decoder maps; every other field is kept in `extensions["openai-chat"]`. */
export const MAPPED_REQUEST_FIELDS: ReadonlySet<string> = new Set(Object.keys(chatRequestSchema.entries));

/** Validate a client request; throws LlmuxError("invalid_request") naming the offending path. */
export function parseChatRequest(body: unknown): ChatRequest {
  return parseAt(chatRequestSchema, body, "");
}
