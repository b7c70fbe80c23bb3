import { z } from "zod";
import { LlmuxError } from "../../model/errors.js";
import { isJsonObject, type JsonObject } from "../../model/json.js";

/**
 * zod schemas of a client's Responses request (the wire edge). Lenient: unknown fields pass
 * through; required fields and the types of known fields are checked. Items, parts and tools
 * are validated one by one by their `type` (see `validateAt`), so an unknown type is tolerated
 * and an error names the exact path (`input[2].content[0].text`).
 */
const jsonObject = z.custom<JsonObject>(isJsonObject, { message: "expected an object" });
const optionalString = z.string().nullish();
/** An object with a string `type`; its other fields are JSON (the body came from JSON.parse). */
const typedObject = z
  .looseObject({ type: z.string() })
  .transform((value) => value as JsonObject & { type: string });

export const EFFORTS = ["none", "minimal", "low", "medium", "high", "xhigh", "max"] as const;

export const requestSchema = z.looseObject({
  model: z.string().min(1),
  instructions: z.union([z.string(), z.array(jsonObject)]).nullish(),
  input: z.union([z.string(), z.array(jsonObject)]).nullish(),
  tools: z.array(typedObject).nullish(),
  tool_choice: z.union([z.enum(["auto", "none", "required"]), typedObject]).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  reasoning: z
    .looseObject({
      effort: z.enum(EFFORTS).nullish(),
      summary: z.enum(["auto", "concise", "detailed"]).nullish(),
    })
    .nullish(),
  text: z.looseObject({ format: typedObject.nullish() }).nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stream: z.boolean().nullish(),
  store: z.boolean().nullish(),
  previous_response_id: optionalString,
  prompt_cache_key: optionalString,
  user: optionalString,
  include: z.array(z.string()).nullish(),
});
export type WireRequest = z.infer<typeof requestSchema>;

// Content parts.
export const textPartSchema = z.looseObject({ text: z.string() });
export const refusalPartSchema = z.looseObject({ refusal: z.string() });
export const imagePartSchema = z
  .looseObject({
    image_url: optionalString,
    file_id: optionalString,
    detail: z.enum(["auto", "low", "high"]).nullish(),
  })
  .refine((part) => typeof part.image_url === "string" || typeof part.file_id === "string", {
    message: "expected image_url or file_id",
  });
export const filePartSchema = z
  .looseObject({
    file_id: optionalString,
    file_data: optionalString,
    file_url: optionalString,
    filename: optionalString,
  })
  .refine(
    (part) =>
      typeof part.file_id === "string" ||
      typeof part.file_data === "string" ||
      typeof part.file_url === "string",
    { message: "expected file_id, file_data or file_url" },
  );

// Input items.
const contentSchema = z.union([z.string(), z.array(typedObject)]);
export const messageItemSchema = z.looseObject({
  role: z.enum(["user", "assistant", "system", "developer"]),
  content: contentSchema,
  phase: optionalString,
});
export const functionCallItemSchema = z.looseObject({
  call_id: z.string(),
  name: z.string(),
  arguments: z.string(),
  id: optionalString,
});
export const customToolCallItemSchema = z.looseObject({
  call_id: z.string(),
  name: z.string(),
  input: z.string(),
  id: optionalString,
});
export const toolOutputItemSchema = z.looseObject({ call_id: z.string(), output: contentSchema });
export const reasoningItemSchema = z.looseObject({
  id: optionalString,
  summary: z.array(textPartSchema).nullish(),
  content: z.array(textPartSchema).nullish(),
  encrypted_content: optionalString,
});

// Tools and tool choice.
export const functionToolSchema = z.looseObject({
  name: z.string().min(1),
  description: optionalString,
  parameters: jsonObject.nullish(),
  strict: z.boolean().nullish(),
  defer_loading: z.boolean().nullish(),
});
export const customToolSchema = z.looseObject({
  name: z.string().min(1),
  description: optionalString,
  format: jsonObject.nullish(),
});
export const namedChoiceSchema = z.looseObject({ name: z.string() });
export const allowedToolsChoiceSchema = z.looseObject({ mode: z.enum(["auto", "required"]) });

// Output format.
export const jsonSchemaFormatSchema = z.looseObject({
  name: optionalString,
  description: optionalString,
  schema: jsonObject,
  strict: z.boolean().nullish(),
});

function joinPath(base: string, segments: readonly PropertyKey[]): string {
  let path = base;
  for (const segment of segments) {
    if (typeof segment === "number") path += `[${segment}]`;
    else path += path === "" ? String(segment) : `.${String(segment)}`;
  }
  return path;
}

function describeIssue(issue: z.core.$ZodIssue, base: string): { path: string; problem: string } {
  const path = joinPath(base, issue.path);
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    const firsts = issue.errors.map((branch) => branch[0]).filter((first) => first !== undefined);
    const allTypeMismatches = firsts.every(
      (first) => first.code === "invalid_type" && first.path.length === 0,
    );
    if (allTypeMismatches) {
      const expected = firsts
        .map((first) => (first.code === "invalid_type" ? first.expected : ""))
        .join(" or ");
      return { path, problem: `expected ${expected}` };
    }
    // The branch that got furthest into the value says best what is wrong.
    const deepest = firsts.reduce((best, first) => (first.path.length > best.path.length ? first : best));
    return describeIssue(deepest, path);
  }
  return { path, problem: issue.message };
}

/** Parse `value` with `schema`; on failure throw invalid_request naming the path under `base`. */
export function validateAt<T>(schema: z.ZodType<T>, value: unknown, base: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined) throw new LlmuxError("invalid_request", `${base || "body"}: invalid value`);
  const { path, problem } = describeIssue(issue, base);
  const where = path === "" ? "body" : path;
  throw new LlmuxError("invalid_request", `${where}: ${problem}`, { param: where });
}
