import { z } from "zod";
import { LlmuxError } from "../../model/errors.js";

/**
 * The generateContent request as a client sends it, checked at the wire edge. Lenient:
 * unknown fields pass through (top-level ones become `extensions.gemini`), `null` is
 * accepted wherever a field is optional, and only what the decoder relies on is checked.
 * Field names are camelCase here (see normalize-keys.ts).
 */

const jsonObject = z.record(z.string(), z.json());

const inlineData = z.looseObject({ mimeType: z.string(), data: z.string() });
const fileData = z.looseObject({ mimeType: z.string().nullish(), fileUri: z.string().min(1) });

const functionResponsePart = z.looseObject({
  inlineData: inlineData.nullish(),
  fileData: fileData.nullish(),
});

const part = z.looseObject({
  text: z.string().nullish(),
  thought: z.boolean().nullish(),
  thoughtSignature: z.string().nullish(),
  inlineData: inlineData.nullish(),
  fileData: fileData.nullish(),
  functionCall: z
    .looseObject({ name: z.string().min(1), args: jsonObject.nullish(), id: z.string().nullish() })
    .nullish(),
  functionResponse: z
    .looseObject({
      name: z.string().min(1),
      response: jsonObject.nullish(),
      id: z.string().nullish(),
      parts: z.array(functionResponsePart).nullish(),
    })
    .nullish(),
  executableCode: z.looseObject({ language: z.string().nullish(), code: z.string() }).nullish(),
  codeExecutionResult: z
    .looseObject({ outcome: z.string().nullish(), output: z.string().nullish() })
    .nullish(),
});

const content = z.looseObject({
  role: z.enum(["user", "model", "function"]).nullish(),
  parts: z.array(part),
});

const systemInstruction = z.union([
  z.string(),
  z.looseObject({ role: z.string().nullish(), parts: z.array(part) }),
]);

const functionDeclaration = z.looseObject({
  name: z.string().min(1),
  description: z.string().nullish(),
  parameters: jsonObject.nullish(),
  parametersJsonSchema: jsonObject.nullish(),
});

const tool = z.looseObject({ functionDeclarations: z.array(functionDeclaration).nullish() });

/** Enum values are read case-insensitively (`"ANY"`, `"any"`). */
function upperEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z
    .string()
    .transform((value) => value.toUpperCase())
    .pipe(z.enum(values));
}

const toolConfig = z.looseObject({
  functionCallingConfig: z
    .looseObject({
      mode: upperEnum(["MODE_UNSPECIFIED", "AUTO", "ANY", "NONE", "VALIDATED"]).nullish(),
      allowedFunctionNames: z.array(z.string()).nullish(),
    })
    .nullish(),
});

const thinkingConfig = z.looseObject({
  thinkingBudget: z.number().int().nullish(),
  thinkingLevel: upperEnum(["THINKING_LEVEL_UNSPECIFIED", "MINIMAL", "LOW", "MEDIUM", "HIGH"]).nullish(),
  includeThoughts: z.boolean().nullish(),
});

const generationConfig = z.looseObject({
  temperature: z.number().nullish(),
  topP: z.number().nullish(),
  topK: z.number().nullish(),
  maxOutputTokens: z.number().int().nonnegative().nullish(),
  stopSequences: z.array(z.string()).nullish(),
  candidateCount: z.number().int().positive().nullish(),
  seed: z.number().int().nullish(),
  presencePenalty: z.number().nullish(),
  frequencyPenalty: z.number().nullish(),
  responseMimeType: z.string().nullish(),
  responseSchema: jsonObject.nullish(),
  responseJsonSchema: z.json().nullish(),
  thinkingConfig: thinkingConfig.nullish(),
});

export const geminiRequestSchema = z.looseObject({
  model: z.string().nullish(),
  contents: z.array(content).min(1),
  systemInstruction: systemInstruction.nullish(),
  tools: z.array(tool).nullish(),
  toolConfig: toolConfig.nullish(),
  generationConfig: generationConfig.nullish(),
});

export type GeminiRequest = z.infer<typeof geminiRequestSchema>;
export type GeminiContent = z.infer<typeof content>;
export type GeminiPart = z.infer<typeof part>;
export type GeminiTool = z.infer<typeof tool>;
export type GeminiGenerationConfig = z.infer<typeof generationConfig>;
export type GeminiToolConfig = z.infer<typeof toolConfig>;

/** `contents[0].parts[1].text` from a zod issue path. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** Validate a (camelCased) request body; throws LlmuxError("invalid_request") naming the path. */
export function parseGeminiRequest(body: unknown): GeminiRequest {
  const result = geminiRequestSchema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue === undefined ? "" : formatPath(issue.path);
  const problem = issue?.message ?? "invalid request";
  if (path === "") throw new LlmuxError("invalid_request", `request body: ${problem}`);
  throw new LlmuxError("invalid_request", `${path}: ${problem}`, { param: path });
}
