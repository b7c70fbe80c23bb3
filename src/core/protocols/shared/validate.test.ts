import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { LlmuxError } from "../../model/errors.js";
import { formatPath, jsonObject, nonEmptyString, parseAt } from "./validate.js";

function rejection(schema: v.GenericSchema, value: unknown, prefix = ""): LlmuxError {
  try {
    parseAt(schema, value, prefix);
  } catch (error) {
    if (error instanceof LlmuxError) return error;
    throw error;
  }
  throw new Error("expected a rejection");
}

const block = v.looseObject({ type: v.literal("text"), text: v.string() });
const request = v.looseObject({
  model: nonEmptyString,
  role: v.nullish(v.picklist(["user", "assistant"])),
  content: v.nullish(v.union([v.string(), v.array(block)])),
  items: v.nullish(v.pipe(v.array(v.string()), v.minLength(1))),
  max_tokens: v.nullish(v.pipe(v.number(), v.integer(), v.gtValue(0))),
  top_p: v.nullish(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
  schema: v.nullish(jsonObject),
  pair: v.nullish(
    v.pipe(
      v.looseObject({ a: v.nullish(v.string()), b: v.nullish(v.string()) }),
      v.check((pair) => typeof pair.a === "string" || typeof pair.b === "string", "expected a or b"),
    ),
  ),
});

describe("formatPath", () => {
  it("joins keys as property and index accesses under a prefix", () => {
    expect(formatPath("", ["messages", 2, "content", 0, "text"])).toBe("messages[2].content[0].text");
    expect(formatPath("messages[1]", ["content"])).toBe("messages[1].content");
    expect(formatPath("tools", [3])).toBe("tools[3]");
    expect(formatPath("", [])).toBe("body");
  });
});

describe("parseAt", () => {
  it("returns the parsed value with unknown fields kept and null accepted where optional", () => {
    const parsed = parseAt(request, { model: "m", role: null, extra: { deep: [1] } }, "");
    expect(parsed).toEqual({ model: "m", role: null, extra: { deep: [1] } });
  });

  it("throws invalid_request naming the path and the problem", () => {
    const error = rejection(request, { model: "m", content: [{ type: "text", text: 4 }] });
    expect(error.code).toBe("invalid_request");
    expect(error.status).toBe(400);
    expect(error.param).toBe("content[0].text");
    expect(error.message).toBe("content[0].text: expected string, received number");
  });

  it("puts the prefix in front of the path, and names the body itself `body`", () => {
    expect(rejection(block, { type: "text" }, "messages[3].content[1]").message).toBe(
      "messages[3].content[1].text: required",
    );
    expect(rejection(request, "text")).toMatchObject({
      param: "body",
      message: "body: expected object, received string",
    });
  });

  it("reports the first problem only", () => {
    expect(rejection(request, { model: "", max_tokens: -1 }).param).toBe("model");
  });

  it("says a missing field is required", () => {
    expect(rejection(request, {}).message).toBe("model: required");
  });

  it("lists allowed literals and quotes a short received string, never a long one", () => {
    expect(rejection(request, { model: "m", role: "tool" }).message).toBe(
      'role: expected "user" or "assistant", received "tool"',
    );
    const long = "x".repeat(500);
    const error = rejection(request, { model: "m", role: long });
    expect(error.message).toBe('role: expected "user" or "assistant", received another string');
    expect(rejection(request, { model: "m", role: 3 }).message).toBe(
      'role: expected "user" or "assistant", received number',
    );
  });

  it("for a union, lists the types when every branch rejects the type", () => {
    expect(rejection(request, { model: "m", content: 5 }).message).toBe(
      "content: expected string or array, received number",
    );
  });

  it("for a union, follows the branch that got furthest into the value", () => {
    const error = rejection(request, {
      model: "m",
      content: [{ type: "text", text: "a" }, { type: "image" }],
    });
    expect(error.param).toBe("content[1].type");
    expect(error.message).toBe('content[1].type: expected "text", received "image"');
  });

  it("words length, integer and range checks for a user", () => {
    expect(rejection(request, { model: "" }).message).toBe("model: expected a non-empty string");
    expect(rejection(request, { model: "m", items: [] }).message).toBe("items: expected a non-empty array");
    expect(rejection(request, { model: "m", max_tokens: 1.5 }).message).toBe(
      "max_tokens: expected an integer, received 1.5",
    );
    expect(rejection(request, { model: "m", max_tokens: 0 }).message).toBe(
      "max_tokens: expected a number > 0, received 0",
    );
    expect(rejection(request, { model: "m", top_p: -0.5 }).message).toBe(
      "top_p: expected a number >= 0, received -0.5",
    );
    expect(rejection(request, { model: "m", top_p: 2 }).message).toBe(
      "top_p: expected a number <= 1, received 2",
    );
  });

  it("keeps the message of a custom check", () => {
    expect(rejection(request, { model: "m", pair: {} }).message).toBe("pair: expected a or b");
    expect(parseAt(request, { model: "m", pair: { b: "x" } }, "").pair).toEqual({ b: "x" });
  });
});

describe("jsonObject", () => {
  it("accepts a JSON object and rejects arrays, null and primitives", () => {
    expect(parseAt(jsonObject, { type: "object", properties: { a: { type: "string" } } }, "schema")).toEqual({
      type: "object",
      properties: { a: { type: "string" } },
    });
    expect(rejection(jsonObject, [], "schema").message).toBe("schema: expected object, received array");
    expect(rejection(jsonObject, null, "schema").message).toBe("schema: expected object, received null");
    expect(rejection(jsonObject, "{}", "schema").message).toBe("schema: expected object, received string");
  });
});
