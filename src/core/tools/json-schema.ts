import { isJsonObject, type JsonObject, type JsonValue } from "../model/json.js";

/**
 * Schema sanitizers: tool parameters and structured-output schemas as each upstream accepts
 * them. Canonical schemas are JSON Schema (lower-case types); Gemini clients send OpenAPI-style
 * schemas (`OBJECT`, `nullable`, counts as strings) that are normalized once, on decode.
 */

/** Keywords whose value is a map of names to subschemas. */
const SCHEMA_MAPS = new Set(["properties", "$defs", "definitions", "patternProperties", "dependentSchemas"]);
/** Keywords whose value is a list of subschemas. */
const SCHEMA_LISTS = new Set(["anyOf", "oneOf", "allOf", "prefixItems"]);
/** Keywords whose value is one subschema. */
const SCHEMA_SINGLES = new Set([
  "items",
  "additionalProperties",
  "not",
  "contains",
  "propertyNames",
  "if",
  "then",
  "else",
]);

/** A copy of `schema` with every subschema passed through `convert`; other keywords kept as they are. */
export function mapSchemaChildren(schema: JsonObject, convert: (child: JsonValue) => JsonValue): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (SCHEMA_MAPS.has(key) && isJsonObject(value)) {
      const map: JsonObject = {};
      for (const [name, child] of Object.entries(value)) map[name] = convert(child);
      out[key] = map;
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      out[key] = value.map(convert);
    } else if (SCHEMA_SINGLES.has(key) && (isJsonObject(value) || Array.isArray(value))) {
      out[key] = Array.isArray(value) ? value.map(convert) : convert(value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

const OPENAPI_TYPES: Record<string, string> = {
  STRING: "string",
  NUMBER: "number",
  INTEGER: "integer",
  BOOLEAN: "boolean",
  ARRAY: "array",
  OBJECT: "object",
  NULL: "null",
};

/** Gemini's Schema encodes these int64 counts as JSON strings (`"minItems": "1"`). */
const COUNT_KEYWORDS = ["minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties"];
/** Numbers Gemini's Schema may also send as strings. */
const NUMBER_KEYWORDS = ["minimum", "maximum"];

function lowerType(type: JsonValue): JsonValue {
  if (typeof type === "string") return OPENAPI_TYPES[type] ?? type.toLowerCase();
  if (Array.isArray(type))
    return type.map((member) => (typeof member === "string" ? lowerType(member) : member));
  return type;
}

function numberFrom(value: JsonValue | undefined, integer: boolean): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || (integer && !Number.isInteger(parsed))) return undefined;
  return parsed;
}

/**
 * A Gemini schema (the legacy OpenAPI-style `Schema` of `parameters` / `responseSchema`, or the
 * upper-case JSON schemas Gemini CLI puts in `responseJsonSchema`) as plain JSON Schema:
 * - types lower case (`OBJECT` -> `object`; `TYPE_UNSPECIFIED` removed);
 * - `nullable: true` -> a `"null"` member of `type` (and of `enum`, so null stays valid);
 * - counts and bounds sent as strings (`"minItems": "1"`) -> numbers;
 * - Gemini-only keywords: `format: "enum"` (the enum says it) and `propertyOrdering` removed,
 *   `example` -> `examples: [example]`.
 * Idempotent on schemas that are already JSON Schema.
 */
export function geminiSchemaToJsonSchema(schema: JsonValue): JsonValue {
  if (!isJsonObject(schema)) return schema;
  const out = mapSchemaChildren(schema, geminiSchemaToJsonSchema);
  if (out.type === "TYPE_UNSPECIFIED") delete out.type;
  else if (out.type !== undefined) out.type = lowerType(out.type);
  if (out.nullable !== undefined) {
    const nullable = out.nullable === true;
    delete out.nullable;
    const current = out.type;
    if (nullable && typeof current === "string" && current !== "null") out.type = [current, "null"];
    else if (nullable && Array.isArray(current) && !current.includes("null")) out.type = [...current, "null"];
    if (nullable && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  for (const key of COUNT_KEYWORDS) {
    if (typeof out[key] !== "string") continue;
    const count = numberFrom(out[key], true);
    if (count === undefined) delete out[key];
    else out[key] = count;
  }
  for (const key of NUMBER_KEYWORDS) {
    if (typeof out[key] !== "string") continue;
    const bound = numberFrom(out[key], false);
    if (bound === undefined) delete out[key];
    else out[key] = bound;
  }
  if (out.format === "enum") delete out.format;
  delete out.propertyOrdering;
  if (out.example !== undefined) {
    if (out.examples === undefined) out.examples = [out.example];
    delete out.example;
  }
  return out;
}

export interface SanitizedSchema {
  schema: JsonObject;
  /** What was removed or rewritten, for the warning; empty when the schema passed unchanged. */
  changes: string[];
}

/** Constraints Anthropic's structured outputs do not enforce; they move into the description. */
const ANTHROPIC_OUTPUT_UNSUPPORTED = [
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minLength",
  "maxLength",
  "maxItems",
  "minProperties",
  "maxProperties",
  "uniqueItems",
];

/** The string formats Anthropic's structured outputs support. */
const ANTHROPIC_OUTPUT_FORMATS: ReadonlySet<string> = new Set([
  "date-time",
  "time",
  "date",
  "duration",
  "email",
  "hostname",
  "uri",
  "ipv4",
  "ipv6",
  "uuid",
]);

function describeConstraints(schema: JsonObject, moved: JsonObject): void {
  const note = Object.entries(moved)
    .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
    .join(", ");
  const description = typeof schema.description === "string" ? `${schema.description} ` : "";
  schema.description = `${description}(${note})`;
}

/**
 * A JSON schema as Anthropic's structured outputs (`output_config.format`) accept it, the way
 * Anthropic's SDKs prepare one: every object closed (`additionalProperties: false`), and
 * constraints the grammar cannot enforce (numeric bounds, string lengths, `minItems` above 1,
 * `maxItems`, formats other than the supported string formats ...) moved into the description
 * as a note for the model.
 */
export function sanitizeSchemaForAnthropicOutput(schema: JsonObject): SanitizedSchema {
  const changes = new Set<string>();
  const visit = (value: JsonValue): JsonValue => {
    if (!isJsonObject(value)) return value;
    const out = mapSchemaChildren(value, visit);
    const isObject =
      out.type === "object" ||
      (Array.isArray(out.type) && out.type.includes("object")) ||
      isJsonObject(out.properties);
    if (isObject && out.additionalProperties !== false) {
      if (out.additionalProperties !== undefined) changes.add("additionalProperties");
      out.additionalProperties = false;
    }
    const moved: JsonObject = {};
    for (const key of ANTHROPIC_OUTPUT_UNSUPPORTED) {
      const constraint = out[key];
      if (constraint === undefined) continue;
      moved[key] = constraint;
      delete out[key];
      changes.add(key);
    }
    if (typeof out.format === "string" && !ANTHROPIC_OUTPUT_FORMATS.has(out.format)) {
      moved.format = out.format;
      delete out.format;
      changes.add("format");
    }
    if (typeof out.minItems === "number" && out.minItems > 1) {
      moved.minItems = out.minItems;
      delete out.minItems;
      changes.add("minItems");
    }
    if (Object.keys(moved).length > 0) describeConstraints(out, moved);
    return out;
  };
  return { schema: visit(schema) as JsonObject, changes: [...changes].sort() };
}
