import * as v from "valibot";
import type { JsonObject } from "../../model/json.js";
import { jsonObject, nonEmptyString } from "../shared/validate.js";

/**
 * valibot schemas of a client's Responses request (the wire edge). Lenient: unknown fields pass
 * through; required fields and the types of known fields are checked. Items, parts and tools
 * are validated one by one by their `type` (see `parseAt`), so an unknown type is tolerated
 * and an error names the exact path (`input[2].content[0].text`).
 */
const optionalString = v.nullish(v.string());
/** An object with a string `type`; its other fields are JSON (the body came from JSON.parse). */
const typedObject = v.pipe(
  v.looseObject({ type: v.string() }),
  v.transform((value) => value as JsonObject & { type: string }),
);

export const EFFORTS = ["none", "minimal", "low", "medium", "high", "xhigh", "max"] as const;

export const requestSchema = v.looseObject({
  model: nonEmptyString,
  instructions: v.nullish(v.union([v.string(), v.array(jsonObject)])),
  input: v.nullish(v.union([v.string(), v.array(jsonObject)])),
  tools: v.nullish(v.array(typedObject)),
  tool_choice: v.nullish(v.union([v.picklist(["auto", "none", "required"]), typedObject])),
  parallel_tool_calls: v.nullish(v.boolean()),
  reasoning: v.nullish(
    v.looseObject({
      effort: v.nullish(v.picklist(EFFORTS)),
      summary: v.nullish(v.picklist(["auto", "concise", "detailed"])),
    }),
  ),
  text: v.nullish(v.looseObject({ format: v.nullish(typedObject) })),
  max_output_tokens: v.nullish(v.pipe(v.number(), v.integer(), v.gtValue(0))),
  temperature: v.nullish(v.pipe(v.number(), v.minValue(0), v.maxValue(2))),
  top_p: v.nullish(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
  stream: v.nullish(v.boolean()),
  store: v.nullish(v.boolean()),
  previous_response_id: optionalString,
  prompt_cache_key: optionalString,
  user: optionalString,
  include: v.nullish(v.array(v.string())),
});
export type WireRequest = v.InferOutput<typeof requestSchema>;

// Content parts.
export const textPartSchema = v.looseObject({ text: v.string() });
export const refusalPartSchema = v.looseObject({ refusal: v.string() });
export const imagePartSchema = v.pipe(
  v.looseObject({
    image_url: optionalString,
    file_id: optionalString,
    detail: v.nullish(v.picklist(["auto", "low", "high"])),
  }),
  v.check(
    (part) => typeof part.image_url === "string" || typeof part.file_id === "string",
    "expected image_url or file_id",
  ),
);
export const filePartSchema = v.pipe(
  v.looseObject({
    file_id: optionalString,
    file_data: optionalString,
    file_url: optionalString,
    filename: optionalString,
  }),
  v.check(
    (part) =>
      typeof part.file_id === "string" ||
      typeof part.file_data === "string" ||
      typeof part.file_url === "string",
    "expected file_id, file_data or file_url",
  ),
);

// Input items.
const contentSchema = v.union([v.string(), v.array(typedObject)]);
export const messageItemSchema = v.looseObject({
  role: v.picklist(["user", "assistant", "system", "developer"]),
  content: contentSchema,
  phase: optionalString,
});
export const functionCallItemSchema = v.looseObject({
  call_id: v.string(),
  name: v.string(),
  arguments: v.string(),
  id: optionalString,
});
export const customToolCallItemSchema = v.looseObject({
  call_id: v.string(),
  name: v.string(),
  input: v.string(),
  id: optionalString,
});
export const toolOutputItemSchema = v.looseObject({ call_id: v.string(), output: contentSchema });
export const reasoningItemSchema = v.looseObject({
  id: optionalString,
  summary: v.nullish(v.array(textPartSchema)),
  content: v.nullish(v.array(textPartSchema)),
  encrypted_content: optionalString,
});

// Tools and tool choice.
export const functionToolSchema = v.looseObject({
  name: nonEmptyString,
  description: optionalString,
  parameters: v.nullish(jsonObject),
  strict: v.nullish(v.boolean()),
  defer_loading: v.nullish(v.boolean()),
});
export const customToolSchema = v.looseObject({
  name: nonEmptyString,
  description: optionalString,
  format: v.nullish(jsonObject),
});
export const namedChoiceSchema = v.looseObject({ name: v.string() });
export const allowedToolsChoiceSchema = v.looseObject({ mode: v.picklist(["auto", "required"]) });

// Output format.
export const jsonSchemaFormatSchema = v.looseObject({
  name: optionalString,
  description: optionalString,
  schema: jsonObject,
  strict: v.nullish(v.boolean()),
});
