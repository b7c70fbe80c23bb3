import { describe, expect, it } from "vitest";
import { PROTOCOLS } from "./protocol.js";
import { carrySignature, uncarrySignature } from "./reasoning-carry.js";

describe("reasoning carried through clients of another protocol", () => {
  it("passes native signatures bare and envelopes foreign ones, for every pair", () => {
    for (const origin of PROTOCOLS) {
      for (const client of PROTOCOLS) {
        const signature = { origin, value: `sig:${origin}:with:colons` };
        const wire = carrySignature(signature, client);
        if (origin === client) expect(wire).toBe(signature.value);
        else expect(wire).toBe(`llmux1:${origin}:sig:${origin}:with:colons`);
        expect(uncarrySignature(wire, client)).toEqual(signature);
      }
    }
  });

  it("reads an unknown tag or a lookalike as the client's own value", () => {
    expect(uncarrySignature("llmux1:martian:x", "anthropic")).toEqual({
      origin: "anthropic",
      value: "llmux1:martian:x",
    });
    expect(uncarrySignature("llmux1", "gemini")).toEqual({ origin: "gemini", value: "llmux1" });
  });
});
