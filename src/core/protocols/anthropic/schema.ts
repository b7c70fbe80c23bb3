import * as v from "valibot";
import { jsonObject, nonEmptyString, parseAt } from "../shared/validate.js";

/**
 * The Messages API request as a client sends it, checked at the wire edge. Lenient: unknown
 * fields pass through (top-level ones become `extensions.anthropic`), `null` is accepted where a
 * field is optional, and only what the decoder relies on is checked. Content blocks are checked
 * in two steps: the message schema only requires a `type`, then each known block type is checked
 * by its own schema (`parseAt`), so unknown block types (server tool blocks) are tolerated and
 * error messages still name the exact path.
 */

export const cacheControlSchema = v.looseObject({
  type: v.literal("ephemeral"),
  ttl: v.nullish(v.string()),
});

export const textBlockSchema = v.looseObject({
  type: v.literal("text"),
  text: v.string(),
  cache_control: v.nullish(cacheControlSchema),
});

const base64Source = v.looseObject({ type: v.literal("base64"), media_type: v.string(), data: v.string() });
const urlSource = v.looseObject({ type: v.literal("url"), url: nonEmptyString });
const fileSource = v.looseObject({ type: v.literal("file"), file_id: nonEmptyString });
const textSource = v.looseObject({
  type: v.literal("text"),
  data: v.string(),
  media_type: v.nullish(v.string()),
});
const contentSource = v.looseObject({
  type: v.literal("content"),
  content: v.union([v.string(), v.array(v.looseObject({ type: v.string() }))]),
});

export const imageBlockSchema = v.looseObject({
  type: v.literal("image"),
  source: v.variant("type", [base64Source, urlSource, fileSource]),
  cache_control: v.nullish(cacheControlSchema),
});

export const documentBlockSchema = v.looseObject({
  type: v.literal("document"),
  source: v.variant("type", [base64Source, urlSource, fileSource, textSource, contentSource]),
  title: v.nullish(v.string()),
  cache_control: v.nullish(cacheControlSchema),
});

export const toolUseBlockSchema = v.looseObject({
  type: v.literal("tool_use"),
  id: v.string(),
  name: nonEmptyString,
  input: jsonObject,
  cache_control: v.nullish(cacheControlSchema),
});

export const toolResultBlockSchema = v.looseObject({
  type: v.literal("tool_result"),
  tool_use_id: v.string(),
  content: v.nullish(v.union([v.string(), v.array(v.looseObject({ type: v.string() }))])),
  is_error: v.nullish(v.boolean()),
  cache_control: v.nullish(cacheControlSchema),
});

export const thinkingBlockSchema = v.looseObject({
  type: v.literal("thinking"),
  thinking: v.string(),
  signature: v.nullish(v.string()),
});

export const redactedThinkingBlockSchema = v.looseObject({
  type: v.literal("redacted_thinking"),
  data: v.string(),
});

/** Any content block: only its `type` is checked here. */
export const anyBlockSchema = v.looseObject({ type: v.string() });

const messageSchema = v.looseObject({
  role: v.picklist(["user", "assistant", "system"]),
  content: v.union([v.string(), v.array(anyBlockSchema)]),
});

export const toolSchema = v.looseObject({
  name: nonEmptyString,
  type: v.nullish(v.string()),
  description: v.nullish(v.string()),
  input_schema: v.nullish(jsonObject),
  cache_control: v.nullish(cacheControlSchema),
  defer_loading: v.nullish(v.boolean()),
  strict: v.nullish(v.boolean()),
});

const disableParallel = { disable_parallel_tool_use: v.nullish(v.boolean()) };
const toolChoiceSchema = v.variant("type", [
  v.looseObject({ type: v.literal("auto"), ...disableParallel }),
  v.looseObject({ type: v.literal("any"), ...disableParallel }),
  v.looseObject({ type: v.literal("tool"), name: nonEmptyString, ...disableParallel }),
  v.looseObject({ type: v.literal("none") }),
]);

const thinkingSchema = v.looseObject({
  type: v.string(),
  budget_tokens: v.nullish(v.pipe(v.number(), v.integer())),
  display: v.nullish(v.string()),
});

export const jsonSchemaFormatSchema = v.looseObject({ type: v.literal("json_schema"), schema: jsonObject });

const outputConfigSchema = v.looseObject({
  effort: v.nullish(v.picklist(["low", "medium", "high", "xhigh", "max"])),
  format: v.nullish(jsonSchemaFormatSchema),
});

export const requestSchema = v.looseObject({
  model: nonEmptyString,
  messages: v.array(messageSchema),
  system: v.nullish(v.union([v.string(), v.array(textBlockSchema)])),
  /** Required by /v1/messages, absent on /v1/messages/count_tokens: the decoder serves both. */
  max_tokens: v.nullish(v.pipe(v.number(), v.integer(), v.gtValue(0))),
  stop_sequences: v.nullish(v.array(v.string())),
  stream: v.nullish(v.boolean()),
  temperature: v.nullish(v.pipe(v.number(), v.minValue(0))),
  top_p: v.nullish(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
  top_k: v.nullish(v.pipe(v.number(), v.integer(), v.minValue(0))),
  tools: v.nullish(v.array(toolSchema)),
  tool_choice: v.nullish(toolChoiceSchema),
  thinking: v.nullish(thinkingSchema),
  output_config: v.nullish(outputConfigSchema),
  output_format: v.nullish(jsonSchemaFormatSchema),
  metadata: v.nullish(v.looseObject({ user_id: v.nullish(v.string()) })),
});

export type AnthropicRequestWire = v.InferOutput<typeof requestSchema>;
export type AnthropicMessageWire = v.InferOutput<typeof messageSchema>;
export type AnthropicToolWire = v.InferOutput<typeof toolSchema>;
export type AnthropicToolChoiceWire = v.InferOutput<typeof toolChoiceSchema>;
export type AnthropicThinkingWire = v.InferOutput<typeof thinkingSchema>;
export type AnthropicCacheControlWire = v.InferOutput<typeof cacheControlSchema>;
export type AnyBlockWire = v.InferOutput<typeof anyBlockSchema>;

export function parseAnthropicRequest(body: unknown): AnthropicRequestWire {
  return parseAt(requestSchema, body, "");
}
