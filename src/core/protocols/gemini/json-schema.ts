import { isJsonObject, type JsonObject, type JsonValue } from "../../model/json.js";
import { geminiSchemaToJsonSchema } from "../../tools/json-schema.js";

/**
 * Schemas in both directions. Gemini's legacy `Schema` (the `parameters` and
 * `responseSchema` fields) is an OpenAPI 3.0 subset with upper-case types and `nullable`;
 * canonical tool parameters are JSON Schema.
 */

/**
 * Upper-case OpenAPI types (`OBJECT`, `STRING`: the Gemini SDKs and Gemini CLI send them)
 * -> JSON Schema; the sanitizer lives with the other schema sanitizers in core/tools.
 */
export const normalizeGeminiSchema = geminiSchemaToJsonSchema;

/** What the legacy `Schema` accepts; everything else is dropped. */
const LEGACY_KEYWORDS = new Set([
  "type",
  "format",
  "title",
  "description",
  "nullable",
  "enum",
  "maxItems",
  "minItems",
  "properties",
  "required",
  "minProperties",
  "maxProperties",
  "minLength",
  "maxLength",
  "pattern",
  "example",
  "anyOf",
  "propertyOrdering",
  "default",
  "items",
  "minimum",
  "maximum",
]);

const LEGACY_FORMATS: Record<string, ReadonlySet<string>> = {
  STRING: new Set(["enum", "date-time"]),
  INTEGER: new Set(["int32", "int64"]),
  NUMBER: new Set(["float", "double"]),
};

const MAX_REF_DEPTH = 8;

interface LegacyContext {
  definitions: JsonObject;
  dropped: Set<string>;
  depth: number;
}

function resolveRef(ref: string, context: LegacyContext): JsonValue | undefined {
  const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref);
  if (match === null) return undefined;
  return context.definitions[decodeURIComponent(match[1]!).replace(/~1/g, "/").replace(/~0/g, "~")];
}

function upperType(type: string): string {
  return type.toUpperCase();
}

function mergeAllOf(members: JsonValue[]): JsonObject {
  const merged: JsonObject = {};
  const properties: JsonObject = {};
  const required = new Set<string>();
  for (const member of members) {
    if (!isJsonObject(member)) continue;
    for (const [key, value] of Object.entries(member)) {
      if (key === "properties" && isJsonObject(value)) Object.assign(properties, value);
      else if (key === "required" && Array.isArray(value)) {
        for (const name of value) if (typeof name === "string") required.add(name);
      } else if (merged[key] === undefined) merged[key] = value;
    }
  }
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.size > 0) merged.required = [...required];
  return merged;
}

function toLegacy(value: JsonValue, context: LegacyContext): JsonObject {
  if (!isJsonObject(value)) return {};
  let schema: JsonObject = value;
  if (typeof schema.$ref === "string") {
    const target = context.depth < MAX_REF_DEPTH ? resolveRef(schema.$ref, context) : undefined;
    if (target === undefined) {
      context.dropped.add("$ref");
      return { type: "OBJECT" };
    }
    const { $ref: _ref, ...rest } = schema;
    schema = { ...(isJsonObject(target) ? target : {}), ...rest };
    context = { ...context, depth: context.depth + 1 };
  }
  if (Array.isArray(schema.allOf)) {
    const { allOf, ...rest } = schema;
    schema = { ...mergeAllOf(allOf), ...rest };
  }
  const out: JsonObject = {};
  let nullable = schema.nullable === true;
  let type = schema.type;
  if (Array.isArray(type)) {
    const members = type.filter((member): member is string => typeof member === "string");
    if (members.includes("null")) nullable = true;
    const nonNull = members.filter((member) => member !== "null");
    if (nonNull.length === 1) type = nonNull[0]!;
    else if (nonNull.length > 1) {
      type = undefined;
      out.anyOf = nonNull.map((member) => ({ type: upperType(member) }));
    } else type = "null";
  }
  if (typeof type === "string") {
    if (type.toLowerCase() === "null") nullable = true;
    else out.type = upperType(type);
  }
  for (const [key, child] of Object.entries(schema)) {
    if (key === "type" || key === "nullable") continue;
    if (key === "const") {
      out.enum = [typeof child === "string" ? child : JSON.stringify(child)];
      if (typeof child !== "string" || out.type === undefined) out.type = "STRING";
      continue;
    }
    if (key === "oneOf" || key === "anyOf") {
      if (Array.isArray(child)) {
        const members = child.filter((member) => !(isJsonObject(member) && member.type === "null"));
        if (members.length < child.length) nullable = true;
        if (members.length === 1) Object.assign(out, toLegacy(members[0]!, context));
        else out.anyOf = members.map((member) => toLegacy(member, context));
      }
      continue;
    }
    if (!LEGACY_KEYWORDS.has(key)) {
      if (key !== "$defs" && key !== "definitions") context.dropped.add(key);
      continue;
    }
    if (key === "properties" && isJsonObject(child)) {
      const properties: JsonObject = {};
      for (const [name, property] of Object.entries(child)) properties[name] = toLegacy(property, context);
      out.properties = properties;
    } else if (key === "items") {
      out.items = toLegacy(Array.isArray(child) ? (child[0] ?? {}) : child, context);
    } else if (key === "enum" && Array.isArray(child)) {
      const strings = child.filter((member) => member !== null);
      if (strings.length < child.length) nullable = true;
      const allStrings = strings.every((member) => typeof member === "string");
      out.enum = strings.map((member) => (typeof member === "string" ? member : JSON.stringify(member)));
      if (!allStrings) out.type = "STRING";
    } else if (key === "format" && typeof child === "string") {
      const allowed = typeof out.type === "string" ? LEGACY_FORMATS[out.type] : undefined;
      if (allowed?.has(child) === true) out.format = child;
      else context.dropped.add("format");
    } else {
      out[key] = child;
    }
  }
  if (typeof out.type === "string" && out.enum !== undefined && out.type !== "STRING") {
    out.type = "STRING";
    delete out.format;
  }
  if (nullable) out.nullable = true;
  return out;
}

export interface LegacySchema {
  schema: JsonObject;
  /** JSON Schema keywords the legacy Schema cannot express. */
  dropped: string[];
}

/**
 * JSON Schema -> the legacy Gemini `Schema`: upper-case types; `type: [x, "null"]` ->
 * `nullable`; `const` -> a one-value enum; non-string enums stringified; local `$ref`s
 * inlined; `$schema`, `additionalProperties`, `exclusiveMinimum`/`Maximum`,
 * `propertyNames` and other unsupported keywords dropped (and reported).
 */
export function toLegacySchema(schema: JsonObject): LegacySchema {
  const definitions: JsonObject = {};
  if (isJsonObject(schema.$defs)) Object.assign(definitions, schema.$defs);
  if (isJsonObject(schema.definitions)) Object.assign(definitions, schema.definitions);
  const context: LegacyContext = { definitions, dropped: new Set(), depth: 0 };
  const converted = toLegacy(schema, context);
  context.dropped.delete("$schema");
  return { schema: converted, dropped: [...context.dropped].sort() };
}
