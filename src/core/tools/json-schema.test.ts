import { describe, expect, it } from "vitest";
import { geminiSchemaToJsonSchema, sanitizeSchemaForAnthropicOutput } from "./json-schema.js";

describe("geminiSchemaToJsonSchema", () => {
  it("turns Gemini CLI's upper-case OpenAPI schema into lower-case JSON Schema", () => {
    expect(
      geminiSchemaToJsonSchema({
        type: "OBJECT",
        properties: {
          name: { type: "STRING", nullable: true, example: "x" },
          kind: { type: "STRING", format: "enum", enum: ["a", "b"], nullable: true },
          tags: { type: "ARRAY", items: { type: "STRING" }, minItems: "1", maxItems: "3" },
          score: { type: "NUMBER", minimum: "0.5" },
          any: { type: "TYPE_UNSPECIFIED" },
        },
        required: ["name"],
        propertyOrdering: ["name", "kind"],
      }),
    ).toEqual({
      type: "object",
      properties: {
        name: { type: ["string", "null"], examples: ["x"] },
        kind: { type: ["string", "null"], enum: ["a", "b", null] },
        tags: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 3 },
        score: { type: "number", minimum: 0.5 },
        any: {},
      },
      required: ["name"],
    });
  });

  it("leaves JSON Schema as it is (idempotent)", () => {
    const schema = {
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      properties: {
        a: { anyOf: [{ type: "string" }, { type: "null" }] },
        b: { type: "integer", minimum: 1 },
      },
      additionalProperties: false,
    };
    expect(geminiSchemaToJsonSchema(schema)).toEqual(schema);
    expect(geminiSchemaToJsonSchema(geminiSchemaToJsonSchema(schema))).toEqual(schema);
  });
});

describe("sanitizeSchemaForAnthropicOutput", () => {
  it("closes every object and moves what the grammar cannot enforce into descriptions", () => {
    const result = sanitizeSchemaForAnthropicOutput({
      type: "object",
      properties: {
        score: { type: "integer", description: "Score.", minimum: 1, maximum: 100, format: "int32" },
        when: { type: "string", format: "date-time" },
        items: {
          type: "array",
          minItems: 2,
          items: { type: "object", properties: { a: { type: "string" } } },
        },
      },
      additionalProperties: true,
    });
    expect(result.schema).toEqual({
      type: "object",
      properties: {
        score: { type: "integer", description: 'Score. (minimum: 1, maximum: 100, format: "int32")' },
        when: { type: "string", format: "date-time" },
        items: {
          type: "array",
          description: "(minItems: 2)",
          items: { type: "object", properties: { a: { type: "string" } }, additionalProperties: false },
        },
      },
      additionalProperties: false,
    });
    expect(result.changes).toEqual(["additionalProperties", "format", "maximum", "minItems", "minimum"]);
  });

  it("reports no change for a schema Anthropic already accepts", () => {
    const schema = { type: "object", properties: { a: { type: "string" } }, additionalProperties: false };
    expect(sanitizeSchemaForAnthropicOutput(schema)).toEqual({ schema, changes: [] });
  });
});
