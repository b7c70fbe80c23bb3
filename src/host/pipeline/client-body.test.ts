import { describe, expect, it } from "vitest";
import { ClientBody, parseClientBody } from "./client-body.js";

function errorOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return "no error";
}

describe("ClientBody", () => {
  it("reads top-level fields without parsing the whole body, and parses it on demand", () => {
    const raw = Buffer.from(
      '{"messages":[{"model":"nested"}],"model":"gpt-x","stream":true,"metadata":{"user_id":"u"}}',
    );
    for (const parseNow of [false, true]) {
      const body = new ClientBody(raw, parseNow);
      expect(body.field("model")).toBe("gpt-x");
      expect(body.field("stream")).toBe(true);
      expect(body.field("metadata")).toEqual({ user_id: "u" });
      expect(body.field("prompt_cache_key")).toBeUndefined();
      expect(body.parsed).toEqual(JSON.parse(raw.toString()));
    }
  });

  it("splices a new model into the client's bytes, every other byte as sent", () => {
    const raw = Buffer.from('{ "model" : "alias", "seed": 12345678901234567890, "x": "\\u00e9" }');
    const rewritten = new ClientBody(raw).withModel("real/model");
    expect(rewritten.toString()).toBe(
      '{ "model" : "real/model", "seed": 12345678901234567890, "x": "\\u00e9" }',
    );
  });

  it("routes on a model named first without walking the rest; passthrough and parsing still refuse a bad body", () => {
    const raw = Buffer.from('{"model":"m","messages":[{"role":"user","content":"hi"},]}');
    const body = new ClientBody(raw);
    expect(body.field("model")).toBe("m");
    expect(errorOf(() => body.validate())).toBe(errorOf(() => parseClientBody(raw)));
    expect(errorOf(() => new ClientBody(raw).parsed)).toBe(errorOf(() => parseClientBody(raw)));
  });

  it("refuses a body naming its model twice with different values once it has routed on the first", () => {
    const raw = Buffer.from('{"model":"a","x":1,"model":"b"}');
    const passed = new ClientBody(raw);
    expect(passed.field("model")).toBe("a");
    expect(errorOf(() => passed.validate())).toBe("model: given more than once, with different values");
    const converted = new ClientBody(raw);
    expect(converted.field("model")).toBe("a");
    expect(errorOf(() => converted.parsed)).toBe("model: given more than once, with different values");
  });

  it("re-serializes when the model is named twice alike (the last one counts, as in JSON.parse)", () => {
    const raw = Buffer.from('{"model":"a","x":1,"model":"a"}');
    const body = new ClientBody(raw);
    expect(body.field("model")).toBe("a");
    body.validate();
    expect(JSON.parse(body.withModel("c").toString())).toEqual({ model: "c", x: 1 });
    // Read after the whole body was walked, the last occurrence is the value.
    const late = new ClientBody(Buffer.from('{"model":"a","model":"b"}'));
    expect(late.field("stream")).toBeUndefined();
    expect(late.field("model")).toBe("b");
  });

  it.each(["", "{", "[1]", '"text"', '{"model":"a",}', "{\"model\":'a'}"])(
    "refuses %j with the error a full parse gives, whichever is asked first",
    (text) => {
      const raw = Buffer.from(text);
      const expected = errorOf(() => parseClientBody(raw));
      expect(expected).not.toBe("no error");
      for (const read of [(body: ClientBody) => body.validate(), (body: ClientBody) => body.parsed]) {
        expect(errorOf(() => read(new ClientBody(raw)))).toBe(expected);
      }
      expect(errorOf(() => new ClientBody(raw, true))).toBe(expected);
    },
  );
});
