import { describe, expect, it } from "vitest";
import { parseJson } from "./__fixtures__/support.js";
import { PartialArgsWriter, parseJsonPath } from "./partial-args.js";

function write(arguments_: unknown[]): { pieces: string[]; text: string } {
  const writer = new PartialArgsWriter();
  const pieces = arguments_.map((argument) => writer.apply(argument));
  pieces.push(writer.finish());
  return { pieces, text: pieces.join("") };
}

describe("parseJsonPath", () => {
  it("reads dotted keys, indexes and bracketed names", () => {
    expect(parseJsonPath("$.recipe.ingredients[0].amount")).toEqual(["recipe", "ingredients", 0, "amount"]);
    expect(parseJsonPath("$['a b'][\"c.d\"][12]")).toEqual(["a b", "c.d", 12]);
    expect(parseJsonPath("$")).toEqual([]);
  });

  it("rejects what it cannot read", () => {
    expect(parseJsonPath("recipe.name")).toBeUndefined();
    expect(parseJsonPath("$.a[x]")).toBeUndefined();
    expect(parseJsonPath("$..a")).toBeUndefined();
  });
});

describe("PartialArgsWriter", () => {
  it("streams a string value in pieces and closes it when willContinue stops", () => {
    const { pieces, text } = write([
      { jsonPath: "$.location", stringValue: "San ", willContinue: true },
      { jsonPath: "$.location", stringValue: "Francisco", willContinue: true },
      { jsonPath: "$.location", stringValue: "" },
      { jsonPath: "$.unit", stringValue: "C" },
    ]);
    expect(pieces).toEqual(['{"location":"San ', "Francisco", '"', ',"unit":"C"', "}"]);
    expect(parseJson(text)).toEqual({ location: "San Francisco", unit: "C" });
  });

  it("opens and closes nested objects and arrays in document order", () => {
    const { text } = write([
      { jsonPath: "$.recipe.ingredients[0].name", stringValue: "Egg" },
      { jsonPath: "$.recipe.ingredients[0].amount", numberValue: 2 },
      { jsonPath: "$.recipe.ingredients[1].name", stringValue: "Salt" },
      { jsonPath: "$.recipe.name", stringValue: "Omelette" },
      { jsonPath: "$.recipe.steps[0]", stringValue: "Beat", willContinue: true },
      { jsonPath: "$.recipe.steps[0]", stringValue: " eggs" },
      { jsonPath: "$.recipe.steps[1]", stringValue: "Cook" },
      { jsonPath: "$.done", boolValue: true },
      { jsonPath: "$.note", nullValue: "NULL_VALUE" },
    ]);
    expect(parseJson(text)).toEqual({
      recipe: {
        ingredients: [{ name: "Egg", amount: 2 }, { name: "Salt" }],
        name: "Omelette",
        steps: ["Beat eggs", "Cook"],
      },
      done: true,
      note: null,
    });
  });

  it("escapes quotes, newlines and unicode inside streamed strings", () => {
    const { text } = write([
      { jsonPath: "$.code", stringValue: 'print("hi")\n', willContinue: true },
      { jsonPath: "$.code", stringValue: "\u00e9\u{1F600}\\" },
    ]);
    expect(parseJson(text)).toEqual({ code: 'print("hi")\n\u00e9\u{1F600}\\' });
  });

  it("closes a string and every container still open when the call ends early", () => {
    const { text } = write([{ jsonPath: "$.a.b[0].c", stringValue: "unfinished", willContinue: true }]);
    expect(parseJson(text)).toEqual({ a: { b: [{ c: "unfinished" }] } });
  });

  it("fills skipped array positions with null so indexes stay right", () => {
    const { text } = write([{ jsonPath: "$.items[2]", numberValue: 5 }]);
    expect(parseJson(text)).toEqual({ items: [null, null, 5] });
  });

  it("writes {} for a call without arguments and ignores unreadable paths", () => {
    expect(write([]).text).toBe("{}");
    expect(write([{ jsonPath: "nonsense", stringValue: "x" }, { stringValue: "y" }]).text).toBe("{}");
  });

  it("writes non-finite numbers as null", () => {
    expect(parseJson(write([{ jsonPath: "$.n", numberValue: Number.NaN }]).text)).toEqual({ n: null });
  });
});
