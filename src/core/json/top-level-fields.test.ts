import { describe, expect, it } from "vitest";
import { createSeededRandom } from "../routing/seeded-random.js";
import { scanTopLevelFields, TopLevelScan } from "./top-level-fields.js";

const KEYS = ["model", "stream", "metadata"] as const;

/** What JSON.parse says about the same bytes: the keys' values, or undefined when not an object. */
function parsedFields(text: string): unknown[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  return KEYS.map((key) => (Object.hasOwn(record, key) ? record[key] : undefined));
}

/** What the scanner says: each key's value (its span parsed), or undefined when it rejects the bytes. */
function scannedFields(bytes: Buffer): unknown[] | undefined {
  const spans = scanTopLevelFields(bytes, KEYS);
  if (spans === undefined) return undefined;
  return spans.map((span) =>
    span === undefined ? undefined : JSON.parse(bytes.toString("utf8", span.start, span.end)),
  );
}

/** A buffer that does not start at offset 0 of its memory (the scanner reads aligned words). */
function shifted(text: string, shift: number): Buffer {
  const bytes = Buffer.from(text);
  const memory = Buffer.alloc(bytes.length + 8);
  bytes.copy(memory, shift);
  return memory.subarray(shift, shift + bytes.length);
}

function expectSame(text: string): void {
  // The server parses the bytes' text: a lone surrogate in `text` is U+FFFD there.
  const expected = parsedFields(Buffer.from(text).toString("utf8"));
  for (let shift = 0; shift < 4; shift++) {
    expect(scannedFields(shifted(text, shift)), `${JSON.stringify(text)} at shift ${shift}`).toEqual(
      expected,
    );
  }
}

describe("scanTopLevelFields", () => {
  it.each([
    ['{"model":"gpt-4o","stream":true}', ["gpt-4o", true, undefined]],
    ['  {\n\t"stream" : false , "model"\r\n:\n"m" }  ', ["m", false, undefined]],
    ["{}", [undefined, undefined, undefined]],
    ['{"model":"a","model":"b"}', ["b", undefined, undefined]],
    ['{"mod\\u0065l":"escaped key","stream":1}', ["escaped key", 1, undefined]],
    ['{"\\u006d\\u006Fdel":"all escaped"}', ["all escaped", undefined, undefined]],
    ['{"a":{"model":"nested"},"model":"top"}', ["top", undefined, undefined]],
    ['{"a":{"model":"nested"}}', [undefined, undefined, undefined]],
    ['{"a":["model","stream",{"model":1}],"b":"\\"model\\":\\"x\\""}', [undefined, undefined, undefined]],
    ['{"metadata":{"user_id":"u"},"model":"x\\"y\\\\"}', ['x"y\\', undefined, { user_id: "u" }]],
    [
      '{"model":"caf\u00e9 \u{1f600} \\ud83d\\ude00"}',
      ["caf\u00e9 \u{1f600} \u{1f600}", undefined, undefined],
    ],
    [
      '{"model":null,"stream":[1,-2.5e+3,0.0,true,false,null,{},[]]}',
      [null, [1, -2500, 0, true, false, null, {}, []], undefined],
    ],
    ['{"models":"no","mode":"no","Model":"no"}', [undefined, undefined, undefined]],
  ])("reads %s", (text, expected) => {
    expect(scannedFields(Buffer.from(text))).toEqual(expected);
    expectSame(text);
  });

  it.each([
    "",
    " ",
    "[]",
    '"model"',
    "1",
    "null",
    "{",
    "}",
    '{"model":"a",}',
    '{"model":"a" "stream":true}',
    '{"model" "a"}',
    '{model:"a"}',
    "{'model':'a'}",
    '{"model":"a"}x',
    '{"model":"a"}{}',
    '{"a":[1,]}',
    '{"a":[1 2]}',
    '{"a":01}',
    '{"a":-}',
    '{"a":1.}',
    '{"a":.5}',
    '{"a":1e}',
    '{"a":+1}',
    '{"a":tru}',
    '{"a":nul}',
    '{"a":True}',
    '{"a":"\\x"}',
    '{"a":"\\u12g4"}',
    '{"a":"\\u12"}',
    '{"a":"tab\there"}',
    '{"a":"line\nbreak"}',
    '{"a":"unterminated}',
    '{"a":{"b":1}',
    '{"a":[{"b":1]}}',
    '{"a":{"b"}}',
    '{"a":{,"b":1}}',
    "\ufeff{}",
    '{"a":1}\u0000',
    "{/* comment */}",
    '{"a":NaN}',
    '{"a":Infinity}',
  ])("rejects %j as JSON.parse does", (text) => {
    expect(scannedFields(Buffer.from(text))).toBeUndefined();
    expectSame(text);
  });

  it("counts duplicate keys and tells escaped ones", () => {
    const spans = scanTopLevelFields(Buffer.from('{"model":"a","x":1,"mod\\u0065l":"b"}'), ["model"]);
    expect(spans?.[0]).toMatchObject({ count: 2, escapedKey: true });
  });

  it("handles deep nesting without recursion", () => {
    const depth = 100_000;
    const text = `{"a":${"[".repeat(depth)}${"]".repeat(depth)},"model":"deep"}`;
    expect(scannedFields(Buffer.from(text))).toEqual(["deep", undefined, undefined]);
    expect(scanTopLevelFields(Buffer.from(`{"a":${"[".repeat(depth)}${"]".repeat(depth - 1)}}`), KEYS)).toBe(
      undefined,
    );
  });

  it("agrees with JSON.parse on random objects and on random corruptions of them", () => {
    const random = createSeededRandom(6);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const alphabet = [
      "plain text ",
      "abcd",
      '"',
      "\\",
      "/",
      "\n",
      "\t",
      "\u0001",
      "\u001f",
      "a",
      "Z",
      " ",
      "\u00e9",
      "\u4e2d",
      "\u{1f600}",
      "model",
      "{",
      "]",
    ];
    const randomString = (): string => {
      let text = "";
      const length = Math.floor(random() * (random() < 0.2 ? 80 : 12));
      for (let index = 0; index < length; index++) text += pick(alphabet);
      return text;
    };
    const keys = ["model", "stream", "metadata", "a", "b", "mod", "models"];
    const randomValue = (depth: number): unknown => {
      const kind = Math.floor(random() * (depth > 3 ? 5 : 7));
      switch (kind) {
        case 0:
          return randomString();
        case 1:
          return Math.floor(random() * 2000 - 1000) / pick([1, 10, 1000]);
        case 2:
          return random() < 0.5;
        case 3:
          return null;
        case 4:
          return random() * 1e21 * (random() < 0.5 ? 1 : -1);
        case 5:
          return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(depth + 1));
        default:
          return randomObject(depth + 1);
      }
    };
    const randomObject = (depth: number): Record<string, unknown> => {
      const object: Record<string, unknown> = {};
      const size = Math.floor(random() * 5);
      for (let index = 0; index < size; index++) object[pick(keys)] = randomValue(depth);
      return object;
    };
    /** JSON.stringify with random whitespace, duplicate keys and escaped key letters. */
    const render = (value: unknown): string => {
      const space = () => pick(["", "", " ", "\n", "\t", "\r\n  "]);
      if (Array.isArray(value))
        return `[${space()}${value.map(render).join(`${space()},${space()}`)}${space()}]`;
      if (typeof value === "object" && value !== null) {
        const members = Object.entries(value).map(([key, member]) => {
          const name = random() < 0.1 ? `"${key.replace(/o/g, "\\u006f")}"` : JSON.stringify(key);
          return `${name}${space()}:${space()}${render(member)}`;
        });
        if (random() < 0.1) members.unshift(`"model"${space()}:${space()}"shadowed"`);
        return `{${space()}${members.join(`${space()},${space()}`)}${space()}}`;
      }
      return JSON.stringify(value);
    };
    const corruptions = [
      "",
      " ",
      ",",
      ":",
      "{",
      "}",
      "[",
      "]",
      '"',
      "\\",
      "0",
      "-",
      "e",
      ".",
      "n",
      "\u0000",
      "\n",
    ];
    for (let round = 0; round < 3000; round++) {
      const text = render(randomObject(0));
      expectSame(text);
      // One byte removed, replaced or inserted: whatever JSON.parse says, the scanner must say too.
      const at = Math.floor(random() * (text.length + 1));
      const cut = Math.floor(random() * 2);
      expectSame(text.slice(0, at) + pick(corruptions) + text.slice(at + cut));
    }
  });
});

describe("TopLevelScan", () => {
  const text = '{"model":"m","messages":[{"model":"inner"}],"stream":true,"model":"n"}';

  it("stops at the first occurrence of a key, before reading the rest", () => {
    const scan = new TopLevelScan(Buffer.from(text), ["model", "stream"]);
    expect(scan.until(0)).toBe(true);
    expect(scan.done).toBe(false);
    expect(text.slice(scan.spans[0]!.start, scan.spans[0]!.end)).toBe('"m"');
    expect(scan.spans[1]).toBeUndefined();
  });

  it("completes from where it stopped to the same result as one whole scan", () => {
    const scan = new TopLevelScan(Buffer.from(text), ["model", "stream"]);
    scan.until(0);
    expect(scan.complete()).toEqual(scanTopLevelFields(Buffer.from(text), ["model", "stream"]));
    expect(scan.valid).toBe(true);
    expect(scan.spans[0]!.count).toBe(2);
  });

  it("finds a key named first in a body that is broken further on; completing reports the break", () => {
    const scan = new TopLevelScan(Buffer.from('{"model":"m","messages":[1,]}'), ["model"]);
    expect(scan.until(0)).toBe(true);
    expect(scan.complete()).toBeUndefined();
    expect(scan.done && !scan.valid).toBe(true);
  });

  it("reports a break met before the key, and walks to the end when the key is absent", () => {
    expect(new TopLevelScan(Buffer.from('{"x":tru,"model":"m"}'), ["model"]).until(0)).toBe(false);
    const absent = new TopLevelScan(Buffer.from('{"x":1}'), ["model"]);
    expect(absent.until(0)).toBe(true);
    expect(absent.valid).toBe(true);
    expect(absent.spans[0]).toBeUndefined();
  });
});
