import { z } from "zod";
import { LlmuxError } from "../../model/errors.js";

/**
 * The Chat Completions request as a client sends it, checked at the wire edge. Lenient:
 * unknown fields pass through (they become `extensions["openai-chat"]`), `null` is accepted
 * wherever a field is optional, and only what the decoder relies on is checked.
 */

const jsonObject = z.record(z.string(), z.json());

const textPart = z.looseObject({ type: z.literal("text"), text: z.string() });
const refusalPart = z.looseObject({ type: z.literal("refusal"), refusal: z.string() });
const imagePart = z.looseObject({
  type: z.literal("image_url"),
  image_url: z.looseObject({
    url: z.string().min(1),
    detail: z.enum(["auto", "low", "high"]).nullish(),
  }),
});
const audioPart = z.looseObject({
  type: z.literal("input_audio"),
  input_audio: z.looseObject({ data: z.string(), format: z.string() }),
});
const filePart = z.looseObject({
  type: z.literal("file"),
  file: z.looseObject({
    file_data: z.string().nullish(),
    file_id: z.string().nullish(),
    filename: z.string().nullish(),
  }),
});

const userPart = z.discriminatedUnion("type", [textPart, imagePart, audioPart, filePart]);
const assistantPart = z.discriminatedUnion("type", [textPart, refusalPart]);

const functionCall = z.looseObject({
  id: z.string().nullish(),
  type: z.literal("function").nullish(),
  function: z.looseObject({ name: z.string(), arguments: z.string().nullish() }),
});
const customCall = z.looseObject({
  id: z.string().nullish(),
  type: z.literal("custom"),
  custom: z.looseObject({ name: z.string(), input: z.string().nullish() }),
});

const systemMessage = z.looseObject({
  role: z.enum(["system", "developer"]),
  content: z.union([z.string(), z.array(textPart)]),
  name: z.string().nullish(),
});
const userMessage = z.looseObject({
  role: z.literal("user"),
  content: z.union([z.string(), z.array(userPart)]),
  name: z.string().nullish(),
});
const assistantMessage = z.looseObject({
  role: z.literal("assistant"),
  content: z.union([z.string(), z.array(assistantPart)]).nullish(),
  refusal: z.string().nullish(),
  tool_calls: z.array(z.union([customCall, functionCall])).nullish(),
  function_call: z.looseObject({ name: z.string(), arguments: z.string().nullish() }).nullish(),
  reasoning_content: z.string().nullish(),
  reasoning: z.string().nullish(),
  reasoning_details: z.array(jsonObject).nullish(),
  name: z.string().nullish(),
});
const toolMessage = z.looseObject({
  role: z.literal("tool"),
  tool_call_id: z.string(),
  content: z.union([z.string(), z.array(textPart)]),
});
const functionMessage = z.looseObject({
  role: z.literal("function"),
  name: z.string(),
  content: z.string().nullish(),
});

const message = z.discriminatedUnion("role", [
  systemMessage,
  userMessage,
  assistantMessage,
  toolMessage,
  functionMessage,
]);

const functionTool = z.looseObject({
  type: z.literal("function"),
  function: z.looseObject({
    name: z.string().min(1),
    description: z.string().nullish(),
    parameters: jsonObject.nullish(),
    strict: z.boolean().nullish(),
  }),
});
const customTool = z.looseObject({
  type: z.literal("custom"),
  custom: z.looseObject({
    name: z.string().min(1),
    description: z.string().nullish(),
    format: jsonObject.nullish(),
  }),
});

const toolChoice = z.union([
  z.enum(["auto", "none", "required"]),
  z.looseObject({ type: z.literal("function"), function: z.looseObject({ name: z.string() }) }),
  z.looseObject({ type: z.literal("custom"), custom: z.looseObject({ name: z.string() }) }),
  z.looseObject({
    type: z.literal("allowed_tools"),
    allowed_tools: z.looseObject({ mode: z.enum(["auto", "required"]), tools: z.array(jsonObject) }),
  }),
]);

const responseFormat = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("text") }),
  z.looseObject({ type: z.literal("json_object") }),
  z.looseObject({
    type: z.literal("json_schema"),
    json_schema: z.looseObject({
      name: z.string(),
      description: z.string().nullish(),
      schema: jsonObject.nullish(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

const count = z.number().int().nonnegative();

export const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  tools: z.array(z.discriminatedUnion("type", [functionTool, customTool])).nullish(),
  tool_choice: toolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: responseFormat.nullish(),
  reasoning_effort: z.enum(["none", "minimal", "low", "medium", "high", "xhigh"]).nullish(),
  max_tokens: count.nullish(),
  max_completion_tokens: count.nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  seed: z.number().int().nullish(),
  n: z.number().int().positive().nullish(),
  frequency_penalty: z.number().nullish(),
  presence_penalty: z.number().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  user: z.string().nullish(),
  prompt_cache_key: z.string().nullish(),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;
export type ChatMessage = ChatRequest["messages"][number];
export type ChatUserPart = z.infer<typeof userPart>;
export type ChatToolCall = z.infer<typeof functionCall> | z.infer<typeof customCall>;
export type ChatTool = NonNullable<ChatRequest["tools"]>[number];
export type ChatToolChoice = z.infer<typeof toolChoice>;

/** Top-level fields the decoder maps; every other field is kept in `extensions["openai-chat"]`. */
export const MAPPED_REQUEST_FIELDS: ReadonlySet<string> = new Set(Object.keys(chatRequestSchema.shape));

/** `messages[2].content` from zod's path segments. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else text += text === "" ? String(segment) : `.${String(segment)}`;
  }
  return text === "" ? "body" : text;
}

interface Problem {
  path: PropertyKey[];
  message: string;
}

/**
 * The most useful reading of an issue: for a union, the branch that got furthest into the value
 * (a bad `image_url.url` rather than "invalid input"), or the list of types every branch expected.
 */
function describeIssue(issue: z.core.$ZodIssue): Problem {
  if (issue.code !== "invalid_union" || issue.errors.length === 0) {
    return { path: [...issue.path], message: issue.message };
  }
  let best: Problem | undefined;
  const expected: string[] = [];
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first === undefined) continue;
    const inner = describeIssue(first);
    if (first.code === "invalid_type" && inner.path.length === 0) expected.push(first.expected);
    if (best === undefined || inner.path.length > best.path.length) best = inner;
  }
  if (best === undefined || (best.path.length === 0 && expected.length > 0)) {
    return { path: [...issue.path], message: `Invalid input: expected ${expected.join(" or ")}` };
  }
  return { path: [...issue.path, ...best.path], message: best.message };
}

/** Validate a client request; throws LlmuxError("invalid_request") naming the offending path. */
export function parseChatRequest(body: unknown): ChatRequest {
  const result = chatRequestSchema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const problem = issue === undefined ? { path: [], message: "invalid value" } : describeIssue(issue);
  const path = formatIssuePath(problem.path);
  throw new LlmuxError("invalid_request", `${path}: ${problem.message}`, { param: path });
}
