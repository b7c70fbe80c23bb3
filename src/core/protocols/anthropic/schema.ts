import { z } from "zod";
import { LlmuxError } from "../../model/errors.js";

/**
 * The Messages API request as a client sends it, checked at the wire edge. Lenient: unknown
 * fields pass through (top-level ones become `extensions.anthropic`), `null` is accepted where a
 * field is optional, and only what the decoder relies on is checked. Content blocks are checked
 * in two steps: the message schema only requires a `type`, then each known block type is checked
 * by its own schema (`parseAt`), so unknown block types (server tool blocks) are tolerated and
 * error messages still name the exact path.
 */

const jsonObject = z.record(z.string(), z.json());

export const cacheControlSchema = z.looseObject({
  type: z.literal("ephemeral"),
  ttl: z.string().nullish(),
});

export const textBlockSchema = z.looseObject({
  type: z.literal("text"),
  text: z.string(),
  cache_control: cacheControlSchema.nullish(),
});

const base64Source = z.looseObject({ type: z.literal("base64"), media_type: z.string(), data: z.string() });
const urlSource = z.looseObject({ type: z.literal("url"), url: z.string().min(1) });
const fileSource = z.looseObject({ type: z.literal("file"), file_id: z.string().min(1) });
const textSource = z.looseObject({
  type: z.literal("text"),
  data: z.string(),
  media_type: z.string().nullish(),
});
const contentSource = z.looseObject({
  type: z.literal("content"),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]),
});

export const imageBlockSchema = z.looseObject({
  type: z.literal("image"),
  source: z.discriminatedUnion("type", [base64Source, urlSource, fileSource]),
  cache_control: cacheControlSchema.nullish(),
});

export const documentBlockSchema = z.looseObject({
  type: z.literal("document"),
  source: z.discriminatedUnion("type", [base64Source, urlSource, fileSource, textSource, contentSource]),
  title: z.string().nullish(),
  cache_control: cacheControlSchema.nullish(),
});

export const toolUseBlockSchema = z.looseObject({
  type: z.literal("tool_use"),
  id: z.string(),
  name: z.string().min(1),
  input: jsonObject,
  cache_control: cacheControlSchema.nullish(),
});

export const toolResultBlockSchema = z.looseObject({
  type: z.literal("tool_result"),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]).nullish(),
  is_error: z.boolean().nullish(),
  cache_control: cacheControlSchema.nullish(),
});

export const thinkingBlockSchema = z.looseObject({
  type: z.literal("thinking"),
  thinking: z.string(),
  signature: z.string().nullish(),
});

export const redactedThinkingBlockSchema = z.looseObject({
  type: z.literal("redacted_thinking"),
  data: z.string(),
});

/** Any content block: only its `type` is checked here. */
export const anyBlockSchema = z.looseObject({ type: z.string() });

const messageSchema = z.looseObject({
  role: z.enum(["user", "assistant", "system"]),
  content: z.union([z.string(), z.array(anyBlockSchema)]),
});

export const toolSchema = z.looseObject({
  name: z.string().min(1),
  type: z.string().nullish(),
  description: z.string().nullish(),
  input_schema: jsonObject.nullish(),
  cache_control: cacheControlSchema.nullish(),
  defer_loading: z.boolean().nullish(),
  strict: z.boolean().nullish(),
});

const disableParallel = { disable_parallel_tool_use: z.boolean().nullish() };
const toolChoiceSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("auto"), ...disableParallel }),
  z.looseObject({ type: z.literal("any"), ...disableParallel }),
  z.looseObject({ type: z.literal("tool"), name: z.string().min(1), ...disableParallel }),
  z.looseObject({ type: z.literal("none") }),
]);

const thinkingSchema = z.looseObject({
  type: z.string(),
  budget_tokens: z.number().int().nullish(),
  display: z.string().nullish(),
});

export const jsonSchemaFormatSchema = z.looseObject({ type: z.literal("json_schema"), schema: jsonObject });

const outputConfigSchema = z.looseObject({
  effort: z.enum(["low", "medium", "high", "xhigh", "max"]).nullish(),
  format: jsonSchemaFormatSchema.nullish(),
});

export const requestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(messageSchema),
  system: z.union([z.string(), z.array(textBlockSchema)]).nullish(),
  /** Required by /v1/messages, absent on /v1/messages/count_tokens: the decoder serves both. */
  max_tokens: z.number().int().positive().nullish(),
  stop_sequences: z.array(z.string()).nullish(),
  stream: z.boolean().nullish(),
  temperature: z.number().min(0).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_k: z.number().int().min(0).nullish(),
  tools: z.array(toolSchema).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  thinking: thinkingSchema.nullish(),
  output_config: outputConfigSchema.nullish(),
  output_format: jsonSchemaFormatSchema.nullish(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).nullish(),
});

export type AnthropicRequestWire = z.infer<typeof requestSchema>;
export type AnthropicMessageWire = z.infer<typeof messageSchema>;
export type AnthropicToolWire = z.infer<typeof toolSchema>;
export type AnthropicToolChoiceWire = z.infer<typeof toolChoiceSchema>;
export type AnthropicThinkingWire = z.infer<typeof thinkingSchema>;
export type AnthropicCacheControlWire = z.infer<typeof cacheControlSchema>;
export type AnyBlockWire = z.infer<typeof anyBlockSchema>;

/** `messages[2].content[0].text` from a zod issue path. */
export function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  let text = prefix;
  for (const key of path) {
    if (typeof key === "number") text += `[${key}]`;
    else text += text === "" ? String(key) : `.${String(key)}`;
  }
  return text === "" ? "body" : text;
}

/** The first issue of a failed parse, as an `invalid_request` naming the path. */
function toInvalidRequest(prefix: string, error: z.ZodError): LlmuxError {
  const issue = error.issues[0];
  const param = formatPath(prefix, issue?.path ?? []);
  return new LlmuxError("invalid_request", `${param}: ${issue?.message ?? "invalid value"}`, { param });
}

/** Parse `value` with `schema`; a failure throws `invalid_request` with `prefix` + the issue path. */
export function parseAt<T extends z.ZodType>(schema: T, value: unknown, prefix: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw toInvalidRequest(prefix, result.error);
  return result.data;
}

export function parseAnthropicRequest(body: unknown): AnthropicRequestWire {
  return parseAt(requestSchema, body, "");
}
