import { describe, expect, it } from "vitest";
import type { MockScript } from "./script.js";
import { checkMockScript } from "./script-schema.js";

function errorOf(value: unknown): string {
  const checked = checkMockScript(value);
  if (checked.ok) throw new Error("expected the script to be refused");
  return checked.error;
}

describe("checkMockScript", () => {
  it("accepts every field of a script and returns it unchanged", () => {
    const script: MockScript = {
      steps: [
        { type: "thinking", text: "hmm", signature: "sig", deltas: 2 },
        { type: "text", text: "hi", deltas: 1 },
        {
          type: "tool-calls",
          calls: [{ name: "f", arguments: { a: [1, { b: null }], c: "d" }, fragments: 2, id: "call_1" }],
          interleave: true,
        },
      ],
      finish: "tool-calls",
      usage: { input: 3, output: 4, cacheRead: 0, reasoning: 1 },
      model: "m",
      error: { status: 429, body: { error: "x" }, headers: { "x-a": "b" }, retryAfterSeconds: 1.5 },
      streamError: { afterChunks: 2, status: 500, type: "server_error" },
      headerDelayMs: 0,
      ping: false,
      headers: { "x-b": "c" },
    };
    expect(checkMockScript(script)).toEqual({ ok: true, script });
    expect(checkMockScript({})).toEqual({ ok: true, script: {} });
  });

  it("names the path of each bad field", () => {
    const error = errorOf({
      steps: [{ type: "txt" }, { type: "text", text: 1 }],
      usage: { input: -1, tokens: 2 },
      error: { status: 200 },
    });
    expect(error).toMatch(/^invalid mock script: /);
    expect(error).toContain("steps.0.type:");
    expect(error).toContain("steps.1.text:");
    expect(error).toContain("usage.input:");
    expect(error).toContain("usage.tokens:");
    expect(error).toContain("error.status:");
  });

  it("refuses lists where objects belong, and values JSON cannot carry", () => {
    expect(errorOf([])).toContain("(top level): expected an object");
    expect(errorOf({ usage: [] })).toContain("usage: expected an object");
    expect(errorOf({ headers: ["a"] })).toContain("headers: expected an object");
    expect(errorOf({ steps: [{ type: "tool-calls", calls: [{ name: "f", arguments: [1] }] }] })).toContain(
      "steps.0.calls.0.arguments: expected an object",
    );
    expect(errorOf({ error: { status: 500, body: { n: Number.POSITIVE_INFINITY } } })).toContain(
      "error.body",
    );
  });
});
