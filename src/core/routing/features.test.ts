import { describe, expect, it } from "vitest";
import type { CanonicalRequest } from "../model/request.js";
import { featuresOf } from "./features.js";

function request(overrides: Partial<CanonicalRequest> = {}): CanonicalRequest {
  return {
    model: "claude-sonnet-4-5",
    system: [{ type: "text", text: "You are Claude Code." }],
    messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
    tools: [],
    sampling: {},
    stream: true,
    metadata: {},
    extensions: {},
    ...overrides,
  };
}

const tool = { kind: "function", name: "Read", parameters: { type: "object" } } as const;

describe("featuresOf", () => {
  it("summarizes a plain request, lower-casing header names and keeping the tenant", () => {
    expect(
      featuresOf(request(), 42, { "X-Team": "infra", Accept: ["a", "b"], skipped: undefined }, "acme"),
    ).toEqual({
      model: "claude-sonnet-4-5",
      promptTokens: 42,
      hasImages: false,
      hasTools: false,
      toolActivity: false,
      wantsReasoning: false,
      headers: { "x-team": "infra", accept: "a, b" },
      tenant: "acme",
    });
    expect("tenant" in featuresOf(request(), 1, {})).toBe(false);
  });

  it("finds images in messages and inside tool results", () => {
    const image = { type: "image", source: { kind: "url", url: "https://example.test/a.png" } } as const;
    expect(featuresOf(request({ messages: [{ role: "user", content: [image] }] }), 1, {}).hasImages).toBe(
      true,
    );
    const inResult = request({
      messages: [{ role: "tool", content: [{ type: "tool-result", callId: "c1", content: [image] }] }],
    });
    const features = featuresOf(inResult, 1, {});
    expect(features.hasImages).toBe(true);
    expect(features.toolActivity).toBe(true);
    const pdf = request({
      messages: [
        {
          role: "user",
          content: [{ type: "file", source: { kind: "base64", mediaType: "application/pdf", data: "AA==" } }],
        },
      ],
    });
    expect(featuresOf(pdf, 1, {}).hasImages).toBe(false);
  });

  it("tells declared tools from tool activity", () => {
    const declared = featuresOf(request({ tools: [tool] }), 1, {});
    expect([declared.hasTools, declared.toolActivity]).toEqual([true, false]);
    const called = featuresOf(
      request({
        tools: [tool],
        messages: [
          { role: "user", content: [{ type: "text", text: "read it" }] },
          { role: "assistant", content: [{ type: "tool-call", id: "c1", name: "Read", arguments: "{}" }] },
        ],
      }),
      1,
      {},
    );
    expect([called.hasTools, called.toolActivity]).toEqual([true, true]);
  });

  it("wants reasoning only when enabled above minimal effort with a positive budget", () => {
    const cases: [CanonicalRequest["reasoning"], boolean][] = [
      [undefined, false],
      [{ enabled: false }, false],
      [{ enabled: true }, true],
      [{ enabled: true, budgetTokens: 10_000 }, true],
      [{ enabled: true, budgetTokens: 0 }, false],
      [{ enabled: true, effort: "high" }, true],
      [{ enabled: true, effort: "minimal" }, false],
      [{ enabled: true, effort: "none" }, false],
    ];
    for (const [reasoning, expected] of cases) {
      const input = reasoning === undefined ? request() : request({ reasoning });
      expect(featuresOf(input, 1, {}).wantsReasoning, JSON.stringify(reasoning)).toBe(expected);
    }
  });
});
