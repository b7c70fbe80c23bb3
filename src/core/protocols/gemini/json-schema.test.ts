import { describe, expect, it } from "vitest";
import { normalizeGeminiSchema, toLegacySchema } from "./json-schema.js";

describe("normalizeGeminiSchema (decoding)", () => {
  it("lower-cases OpenAPI types and turns nullable into a null type, at every depth", () => {
    expect(
      normalizeGeminiSchema({
        type: "OBJECT",
        properties: {
          type: { type: "STRING", nullable: true },
          list: { type: "ARRAY", items: { type: "INTEGER" } },
          choice: { anyOf: [{ type: "NUMBER" }, { type: "BOOLEAN" }] },
        },
        required: ["type"],
      }),
    ).toEqual({
      type: "object",
      properties: {
        type: { type: ["string", "null"] },
        list: { type: "array", items: { type: "integer" } },
        choice: { anyOf: [{ type: "number" }, { type: "boolean" }] },
      },
      required: ["type"],
    });
  });

  it("leaves JSON Schema as it is", () => {
    const schema = {
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      additionalProperties: false,
      properties: { name: { type: ["string", "number", "null"] }, tag: { const: "x" } },
    };
    expect(normalizeGeminiSchema(schema)).toEqual(schema);
  });
});

describe("toLegacySchema (encoding for the legacy Schema field)", () => {
  it("drops unsupported keywords (reporting them), maps const, nullable unions and non-string enums", () => {
    const { schema, dropped } = toLegacySchema({
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      additionalProperties: false,
      propertyNames: { pattern: "^[a-z]+$" },
      properties: {
        mode: { const: "fast" },
        level: { type: "integer", enum: [1, 2, 3] },
        maybe: { type: ["string", "null"], format: "email" },
        either: { type: ["string", "number"] },
        when: { type: "string", format: "date-time" },
        count: { type: "number", exclusiveMinimum: 0, minimum: 1 },
      },
    });
    expect(schema).toEqual({
      type: "OBJECT",
      properties: {
        mode: { enum: ["fast"], type: "STRING" },
        level: { type: "STRING", enum: ["1", "2", "3"] },
        maybe: { type: "STRING", nullable: true },
        either: { anyOf: [{ type: "STRING" }, { type: "NUMBER" }] },
        when: { type: "STRING", format: "date-time" },
        count: { type: "NUMBER", minimum: 1 },
      },
    });
    expect(dropped).toEqual(["additionalProperties", "exclusiveMinimum", "format", "propertyNames"]);
  });

  it("inlines local $refs and merges allOf", () => {
    const { schema } = toLegacySchema({
      type: "object",
      properties: {
        item: { $ref: "#/$defs/Item" },
        both: { allOf: [{ properties: { a: { type: "string" } } }, { required: ["a"] }] },
      },
      $defs: { Item: { type: "object", properties: { id: { type: "string" } }, required: ["id"] } },
    });
    expect(schema).toEqual({
      type: "OBJECT",
      properties: {
        item: { type: "OBJECT", properties: { id: { type: "STRING" } }, required: ["id"] },
        both: { properties: { a: { type: "STRING" } }, required: ["a"] },
      },
    });
  });

  it("stops at recursive references instead of looping", () => {
    const { schema, dropped } = toLegacySchema({
      $ref: "#/definitions/Node",
      definitions: { Node: { type: "object", properties: { next: { $ref: "#/definitions/Node" } } } },
    });
    expect(JSON.stringify(schema).length).toBeLessThan(2000);
    expect(dropped).toContain("$ref");
  });

  it("turns anyOf with a null member into nullable", () => {
    expect(toLegacySchema({ anyOf: [{ type: "string" }, { type: "null" }] }).schema).toEqual({
      type: "STRING",
      nullable: true,
    });
  });
});
