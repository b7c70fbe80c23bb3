import * as v from "valibot";
import { jsonObject, jsonValue, nonEmptyString, parseAt } from "../shared/validate.js";

/**
 * The generateContent request as a client sends it, checked at the wire edge. Lenient:
 * unknown fields pass through (top-level ones become `extensions.gemini`), `null` is
 * accepted wherever a field is optional, and only what the decoder relies on is checked.
 * Field names are camelCase here (see normalize-keys.ts).
 */

const inlineData = v.looseObject({ mimeType: v.string(), data: v.string() });
const fileData = v.looseObject({ mimeType: v.nullish(v.string()), fileUri: nonEmptyString });

const functionResponsePart = v.looseObject({
  inlineData: v.nullish(inlineData),
  fileData: v.nullish(fileData),
});

const part = v.looseObject({
  text: v.nullish(v.string()),
  thought: v.nullish(v.boolean()),
  thoughtSignature: v.nullish(v.string()),
  inlineData: v.nullish(inlineData),
  fileData: v.nullish(fileData),
  functionCall: v.nullish(
    v.looseObject({ name: nonEmptyString, args: v.nullish(jsonObject), id: v.nullish(v.string()) }),
  ),
  functionResponse: v.nullish(
    v.looseObject({
      name: nonEmptyString,
      response: v.nullish(jsonObject),
      id: v.nullish(v.string()),
      parts: v.nullish(v.array(functionResponsePart)),
    }),
  ),
  executableCode: v.nullish(v.looseObject({ language: v.nullish(v.string()), code: v.string() })),
  codeExecutionResult: v.nullish(
    v.looseObject({ outcome: v.nullish(v.string()), output: v.nullish(v.string()) }),
  ),
});

const content = v.looseObject({
  role: v.nullish(v.picklist(["user", "model", "function"])),
  parts: v.array(part),
});

const systemInstruction = v.union([
  v.string(),
  v.looseObject({ role: v.nullish(v.string()), parts: v.array(part) }),
]);

const functionDeclaration = v.looseObject({
  name: nonEmptyString,
  description: v.nullish(v.string()),
  parameters: v.nullish(jsonObject),
  parametersJsonSchema: v.nullish(jsonObject),
});

const tool = v.looseObject({ functionDeclarations: v.nullish(v.array(functionDeclaration)) });

/** Enum values are read case-insensitively (`"ANY"`, `"any"`). */
function upperEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return v.pipe(
    v.string(),
    v.transform((value) => value.toUpperCase()),
    v.picklist(values),
  );
}

const toolConfig = v.looseObject({
  functionCallingConfig: v.nullish(
    v.looseObject({
      mode: v.nullish(upperEnum(["MODE_UNSPECIFIED", "AUTO", "ANY", "NONE", "VALIDATED"])),
      allowedFunctionNames: v.nullish(v.array(v.string())),
    }),
  ),
});

const thinkingConfig = v.looseObject({
  thinkingBudget: v.nullish(v.pipe(v.number(), v.integer())),
  thinkingLevel: v.nullish(upperEnum(["THINKING_LEVEL_UNSPECIFIED", "MINIMAL", "LOW", "MEDIUM", "HIGH"])),
  includeThoughts: v.nullish(v.boolean()),
});

const generationConfig = v.looseObject({
  temperature: v.nullish(v.number()),
  topP: v.nullish(v.number()),
  topK: v.nullish(v.number()),
  maxOutputTokens: v.nullish(v.pipe(v.number(), v.integer(), v.minValue(0))),
  stopSequences: v.nullish(v.array(v.string())),
  candidateCount: v.nullish(v.pipe(v.number(), v.integer(), v.gtValue(0))),
  seed: v.nullish(v.pipe(v.number(), v.integer())),
  presencePenalty: v.nullish(v.number()),
  frequencyPenalty: v.nullish(v.number()),
  responseMimeType: v.nullish(v.string()),
  responseSchema: v.nullish(jsonObject),
  responseJsonSchema: v.nullish(jsonValue),
  thinkingConfig: v.nullish(thinkingConfig),
});

export const geminiRequestSchema = v.looseObject({
  model: v.nullish(v.string()),
  contents: v.pipe(v.array(content), v.minLength(1)),
  systemInstruction: v.nullish(systemInstruction),
  tools: v.nullish(v.array(tool)),
  toolConfig: v.nullish(toolConfig),
  generationConfig: v.nullish(generationConfig),
});

export type GeminiRequest = v.InferOutput<typeof geminiRequestSchema>;
export type GeminiContent = v.InferOutput<typeof content>;
export type GeminiPart = v.InferOutput<typeof part>;
export type GeminiTool = v.InferOutput<typeof tool>;
export type GeminiGenerationConfig = v.InferOutput<typeof generationConfig>;
export type GeminiToolConfig = v.InferOutput<typeof toolConfig>;

/** Validate a (camelCased) request body; throws LlmuxError("invalid_request") naming the path. */
export function parseGeminiRequest(body: unknown): GeminiRequest {
  return parseAt(geminiRequestSchema, body, "");
}
