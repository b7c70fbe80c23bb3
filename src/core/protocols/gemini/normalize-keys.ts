import { isJsonObject, type JsonObject, type JsonValue } from "../../model/json.js";

/**
 * The Gemini API reads proto field names in either spelling (`parameters_json_schema` or
 * `parametersJsonSchema`; the Python SDK sends some snake_case). Requests are brought to
 * camelCase before validation, at the levels the decoder reads only: argument values,
 * function responses, schemas and unknown fields' contents are left untouched.
 */

/** An object whose own keys are camelized (and whose listed children are walked), or a list of such. */
interface Level {
  children?: Record<string, Level>;
  items?: Level;
}

function camelize(key: string): string {
  return key.includes("_") ? key.replace(/_([a-z0-9])/g, (_match, char: string) => char.toUpperCase()) : key;
}

function normalize(value: JsonValue, level: Level): JsonValue {
  const items = level.items;
  if (items !== undefined) return Array.isArray(value) ? value.map((item) => normalize(item, items)) : value;
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const [rawKey, child] of Object.entries(value)) {
    const key = camelize(rawKey);
    const childLevel = level.children?.[key];
    out[key] = childLevel === undefined ? child : normalize(child, childLevel);
  }
  return out;
}

const object: Level = {};
const listOf = (items: Level): Level => ({ items });

const part: Level = {
  children: {
    inlineData: object,
    fileData: object,
    functionCall: { children: { partialArgs: listOf(object) } },
    functionResponse: {
      children: { parts: listOf({ children: { inlineData: object, fileData: object } }) },
    },
    executableCode: object,
    codeExecutionResult: object,
  },
};
const content: Level = { children: { parts: listOf(part) } };

const request: Level = {
  children: {
    contents: listOf(content),
    systemInstruction: content,
    tools: listOf({ children: { functionDeclarations: listOf(object) } }),
    toolConfig: { children: { functionCallingConfig: object } },
    generationConfig: { children: { thinkingConfig: object } },
  },
};

/** A request body with the field names the decoder reads in camelCase. */
export function normalizeRequestKeys(body: JsonObject): JsonObject {
  return normalize(body, request) as JsonObject;
}
