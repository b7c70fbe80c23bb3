import { describe, expect, it } from "vitest";
import type { JsonValue } from "../model/json.js";
import { JsonTemplate } from "./json-template.js";

function parse(text: string): JsonValue {
  return JSON.parse(text) as JsonValue;
}

/** The template learned from two payload texts; fails the test when there is none. */
function learned(first: string, second: string): JsonTemplate {
  const template = JsonTemplate.learn(parse(first), parse(second), second);
  if (!(template instanceof JsonTemplate)) throw new Error(`no template: ${String(template)}`);
  return template;
}

const chunk = (text: string, sequence: number): string =>
  `{"type":"response.output_text.delta","sequence_number":${sequence},"item_id":"msg_1","output_index":1,"content_index":0,"delta":${JSON.stringify(text)},"logprobs":[]}`;

describe("JsonTemplate", () => {
  it("reads a payload of the learned layout as JSON.parse does, scanning only what differs", () => {
    const template = learned(chunk("Hel", 4), chunk("lo", 5));
    for (const [text, sequence] of [
      ["", 6],
      [" world", 70],
      ['quote " and \\ backslash', 8],
      ["line\nbreak\ttab \u0001", 9],
      ["é中😀 \u2028", 10],
      ["x".repeat(500), 11],
    ] as const) {
      const payload = chunk(text, sequence);
      expect(template.read(payload)).toStrictEqual(JSON.parse(payload));
    }
    // Escapes written differently from JSON.stringify still decode to the same string.
    const escaped = chunk("A", 12).replace('"delta":"A"', '"delta":"\\u0041\\/\\""');
    expect(template.read(escaped)).toStrictEqual(JSON.parse(escaped));
  });

  it("reads numbers in the whole JSON number grammar and refuses what JSON.parse refuses", () => {
    const template = learned('{"n":1,"s":"a"}', '{"n":2,"s":"b"}');
    for (const number of ["0", "-0", "12", "-7", "1.5", "1e3", "2E-2", "3.25e+10", "123456789012345678901"]) {
      const payload = `{"n":${number},"s":"b"}`;
      const read = template.read(payload);
      expect(read).toStrictEqual(JSON.parse(payload));
      expect(Object.is((read as { n: number }).n, JSON.parse(payload).n)).toBe(true);
    }
    for (const invalid of ["01", "-", "1.", ".5", "1e", "+1", "1e+", "0x1", "NaN", '"1"']) {
      const payload = `{"n":${invalid},"s":"b"}`;
      expect(template.read(payload), invalid).toBeUndefined();
    }
  });

  it("refuses a string hole that is not exactly one valid JSON string", () => {
    const template = learned('{"a":"x","b":1}', '{"a":"y","b":1}');
    for (const payload of [
      '{"a":"raw\ncontrol","b":1}',
      '{"a":"bad \\q escape","b":1}',
      '{"a":"x","b":2}',
      '{"a":"x","c":1}',
      '{"a":"x","b":1} ',
      '{"a":"x" ,"b":1}',
      '{"a":"unterminated',
      '{"a":x,"b":1}',
      '{"a":"x","b":1}{"a":"y","b":1}',
    ]) {
      expect(template.read(payload), payload).toBeUndefined();
    }
  });

  it("copies the containers above a hole; earlier results do not change", () => {
    const template = learned(
      '{"choices":[{"index":0,"delta":{"content":"a"}}],"usage":null,"meta":{"k":[1,2]}}',
      '{"choices":[{"index":0,"delta":{"content":"b"}}],"usage":null,"meta":{"k":[1,2]}}',
    );
    const first = template.read(
      '{"choices":[{"index":0,"delta":{"content":"one"}}],"usage":null,"meta":{"k":[1,2]}}',
    ) as { choices: { delta: { content: string } }[]; meta: unknown };
    const second = template.read(
      '{"choices":[{"index":0,"delta":{"content":"two"}}],"usage":null,"meta":{"k":[1,2]}}',
    ) as typeof first;
    expect(first.choices[0]!.delta.content).toBe("one");
    expect(second.choices[0]!.delta.content).toBe("two");
    expect(first.choices).not.toBe(second.choices);
    // What holds no hole is shared.
    expect(first.meta).toBe(second.meta);
  });

  it("tells a different shape apart from a layout that is not JSON.stringify's", () => {
    expect(JsonTemplate.learn(parse('{"a":1}'), parse('{"b":1}'), '{"b":1}')).toBe("shape");
    expect(JsonTemplate.learn(parse('{"a":[1]}'), parse('{"a":[1,2]}'), '{"a":[1,2]}')).toBe("shape");
    expect(JsonTemplate.learn(parse('{"a":true}'), parse('{"a":false}'), '{"a":false}')).toBe("shape");
    expect(JsonTemplate.learn(parse('{"a":"1"}'), parse('{"a":1}'), '{"a":1}')).toBe("shape");
    // Spaces, other escapes, other number spellings, duplicate keys, integer-like keys out of order.
    for (const [first, second] of [
      ['{"a": "x"}', '{"a": "y"}'],
      ['{"a":"x","b":"\\u00e9"}', '{"a":"y","b":"\\u00e9"}'],
      ['{"a":"x","b":1.0}', '{"a":"y","b":1.0}'],
      ['{"a":"x","b":1,"b":2}', '{"a":"y","b":1,"b":2}'],
      ['{"b":"x","1":2}', '{"b":"y","1":2}'],
    ] as const) {
      expect(JsonTemplate.learn(parse(first), parse(second), second), second).toBeUndefined();
    }
  });

  it("gives no template when a payload string looks like a hole mark or a hole is under __proto__", () => {
    const mark = JSON.stringify("\u0000llmux-hole:0");
    const marked = `{"a":"y","m":${mark}}`;
    expect(JsonTemplate.learn(parse(`{"a":"x","m":${mark}}`), parse(marked), marked)).toBeUndefined();
    const proto = '{"__proto__":{"x":"b"}}';
    expect(JsonTemplate.learn(parse('{"__proto__":{"x":"a"}}'), parse(proto), proto)).toBe("shape");
    // Elsewhere a __proto__ key stays what JSON.parse makes of it: an own property.
    const template = learned('{"__proto__":{"p":1},"a":{"b":"x"}}', '{"__proto__":{"p":1},"a":{"b":"y"}}');
    const read = template.read('{"__proto__":{"p":1},"a":{"b":"z"}}') as Record<string, unknown>;
    expect(read).toStrictEqual(JSON.parse('{"__proto__":{"p":1},"a":{"b":"z"}}'));
    expect(Object.hasOwn(read, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
  });

  it("widens to a payload of the same shape that differs in more places", () => {
    const usage = (text: string, output: number, total: number): string =>
      `{"parts":[{"text":${JSON.stringify(text)}}],"usage":{"prompt":9,"output":${output},"total":${total}}}`;
    const template = learned(usage("a", 1, 10), usage("b", 1, 10));
    expect(template.read(usage("c", 2, 11))).toBeUndefined();
    const widened = template.widen(parse(usage("c", 2, 11)), usage("c", 2, 11));
    expect(widened).toBeInstanceOf(JsonTemplate);
    const payload = usage("d", 3, 12);
    expect((widened as JsonTemplate).read(payload)).toStrictEqual(JSON.parse(payload));
    expect(template.widen(parse('{"other":1}'), '{"other":1}')).toBe("shape");
  });
});
