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

  it("re-serializes when the model is named twice (the last one counts, as in JSON.parse)", () => {
    const raw = Buffer.from('{"model":"a","x":1,"model":"b"}');
    const body = new ClientBody(raw);
    expect(body.field("model")).toBe("b");
    expect(JSON.parse(body.withModel("c").toString())).toEqual({ model: "c", x: 1 });
  });

  it.each(["", "{", "[1]", '"text"', '{"model":"a",}', "{\"model\":'a'}"])(
    "refuses %j with the error a full parse gives",
    (text) => {
      const raw = Buffer.from(text);
      expect(errorOf(() => new ClientBody(raw))).toBe(errorOf(() => parseClientBody(raw)));
      expect(errorOf(() => new ClientBody(raw))).not.toBe("no error");
    },
  );
});
