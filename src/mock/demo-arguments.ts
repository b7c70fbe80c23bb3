import { isJsonObject, type JsonObject, type JsonValue } from "../core/model/json.js";

const MAX_DEPTH = 6;
const PLACE_KEY = /location|city|place|country|region|address|where|town/i;
const PLACE_IN_PROMPT = /\b(?:in|at|for|near|of)\s+([A-Z][\p{L}'-]*(?:(?:\s+|,\s*)[A-Z][\p{L}'-]*)*)/u;
const QUOTED = /`([^`]+)`|"([^"]+)"|“([^”]+)”/;

/** The schema's type name, lower-cased (Gemini's legacy schemas say "STRING"), ignoring "null". */
function typeOf(schema: JsonObject): string | undefined {
  const type = schema.type;
  if (typeof type === "string") return type.toLowerCase();
  if (Array.isArray(type)) {
    const first = type.find((entry) => typeof entry === "string" && entry.toLowerCase() !== "null");
    return typeof first === "string" ? first.toLowerCase() : "null";
  }
  if (isJsonObject(schema.properties)) return "object";
  if (schema.items !== undefined) return "array";
  return undefined;
}

/** A string argument from the prompt: a place for location-like fields, a quoted part, or the prompt itself. */
function stringFromPrompt(key: string, prompt: string, schema: JsonObject): string {
  const text = prompt.trim();
  let value: string | undefined;
  if (PLACE_KEY.test(key)) value = PLACE_IN_PROMPT.exec(text)?.[1];
  if (value === undefined) {
    const quoted = QUOTED.exec(text);
    value = quoted?.[1] ?? quoted?.[2] ?? quoted?.[3];
  }
  value = (value ?? text).slice(0, 120) || "demo";
  const maxLength = schema.maxLength;
  if (typeof maxLength === "number") value = value.slice(0, maxLength);
  const minLength = schema.minLength;
  if (typeof minLength === "number" && value.length < minLength) value = value.padEnd(minLength, ".");
  return value;
}

function numberFor(schema: JsonObject, integer: boolean): number {
  let value = 1;
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = schema;
  if (typeof minimum === "number" && value < minimum) value = minimum;
  if (typeof exclusiveMinimum === "number" && value <= exclusiveMinimum) value = exclusiveMinimum + 1;
  if (typeof maximum === "number" && value > maximum) value = maximum;
  if (typeof exclusiveMaximum === "number" && value >= exclusiveMaximum) value = exclusiveMaximum - 1;
  return integer ? Math.ceil(value) : value;
}

/** A value that satisfies `schema`, preferring text from the prompt for strings. */
export function valueForSchema(
  schema: JsonValue | undefined,
  key: string,
  prompt: string,
  depth = 0,
): JsonValue {
  if (!isJsonObject(schema)) return stringFromPrompt(key, prompt, {});
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0] ?? null;
  for (const combinator of ["anyOf", "oneOf", "allOf"] as const) {
    const branches = schema[combinator];
    if (Array.isArray(branches)) {
      const branch = branches.find((entry) => isJsonObject(entry) && typeOf(entry) !== "null") ?? branches[0];
      if (branch !== undefined) return valueForSchema(branch, key, prompt, depth);
    }
  }
  switch (typeOf(schema)) {
    case "integer":
      return numberFor(schema, true);
    case "number":
      return numberFor(schema, false);
    case "boolean":
      return false;
    case "null":
      return null;
    case "array": {
      const minItems = typeof schema.minItems === "number" ? schema.minItems : 0;
      if (depth >= MAX_DEPTH) return [];
      return Array.from({ length: minItems }, () => valueForSchema(schema.items, key, prompt, depth + 1));
    }
    case "object":
      return depth >= MAX_DEPTH ? {} : argumentsForSchema(schema, prompt, depth + 1);
    default:
      return stringFromPrompt(key, prompt, schema);
  }
}

/**
 * Tool arguments built from a JSON schema: every required field (strings from the prompt,
 * numbers 1 within bounds, booleans false, enums their first value), optional fields left out.
 */
export function argumentsForSchema(schema: JsonObject, prompt: string, depth = 0): JsonObject {
  const properties = isJsonObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required : [];
  const result: JsonObject = {};
  for (const key of required) {
    if (typeof key !== "string") continue;
    result[key] = valueForSchema(properties[key], key, prompt, depth);
  }
  return result;
}
