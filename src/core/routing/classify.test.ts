import { describe, expect, it } from "vitest";
import { classifyRequest, DEFAULT_ROUTER_SETTINGS, type RouterSettings, type Rule } from "./classify.js";
import type { RequestFeatures } from "./features.js";

function features(overrides: Partial<RequestFeatures> = {}): RequestFeatures {
  return {
    model: "claude-sonnet-4-5",
    promptTokens: 1200,
    hasImages: false,
    hasTools: false,
    toolActivity: false,
    wantsReasoning: false,
    headers: {},
    ...overrides,
  };
}

const ALL_CATEGORIES = new Set(["default", "longcontext", "background", "thinking", "vision", "tools"]);

function settings(rules: Rule[] = []): RouterSettings {
  return { ...DEFAULT_ROUTER_SETTINGS, rules };
}

describe("classifyRequest: built-in categories", () => {
  const cases: { name: string; request: Partial<RequestFeatures>; category: string }[] = [
    { name: "plain request", request: {}, category: "default" },
    { name: "at the long-context threshold", request: { promptTokens: 180_000 }, category: "longcontext" },
    { name: "just under the threshold", request: { promptTokens: 179_999 }, category: "default" },
    {
      name: "Claude Code's haiku call",
      request: { model: "claude-haiku-4-5-20251001" },
      category: "background",
    },
    { name: "older haiku", request: { model: "claude-3-5-haiku-20241022" }, category: "background" },
    { name: "a -mini model", request: { model: "gpt-5-mini" }, category: "background" },
    { name: "a dated -mini model", request: { model: "gpt-4.1-mini-2025-04-14" }, category: "background" },
    { name: "reasoning", request: { wantsReasoning: true }, category: "thinking" },
    { name: "images", request: { hasImages: true }, category: "vision" },
    { name: "tool results in history", request: { toolActivity: true }, category: "tools" },
    { name: "tools declared, none used yet", request: { hasTools: true }, category: "default" },
    // precedence: longcontext > background > thinking > vision > tools
    {
      name: "long context beats everything",
      request: {
        promptTokens: 200_000,
        model: "claude-haiku-4-5",
        wantsReasoning: true,
        hasImages: true,
        toolActivity: true,
      },
      category: "longcontext",
    },
    {
      name: "background beats thinking",
      request: { model: "claude-haiku-4-5", wantsReasoning: true, hasImages: true },
      category: "background",
    },
    {
      name: "thinking beats vision",
      request: { wantsReasoning: true, hasImages: true },
      category: "thinking",
    },
    { name: "vision beats tools", request: { hasImages: true, toolActivity: true }, category: "vision" },
  ];
  for (const testCase of cases) {
    it(`${testCase.name} -> ${testCase.category}`, () => {
      const result = classifyRequest(features(testCase.request), settings(), ALL_CATEGORIES);
      expect(result.category).toBe(testCase.category);
      expect(result.route).toBe(testCase.category === "default" ? undefined : testCase.category);
      expect(result.reason).toMatch(
        testCase.category === "default" ? /no rule or category/ : testCase.category,
      );
    });
  }

  it("skips a category that has no route, falling to the next one that has", () => {
    const routes = new Set(["default", "vision"]);
    const result = classifyRequest(features({ wantsReasoning: true, hasImages: true }), settings(), routes);
    expect(result).toMatchObject({ route: "vision", category: "vision" });
    const none = classifyRequest(features({ wantsReasoning: true }), settings(), routes);
    expect(none).toEqual({
      route: undefined,
      category: "default",
      reason: "no route for thinking; no rule or category route applies",
    });
  });

  it("explains the decision in header-safe text", () => {
    const result = classifyRequest(
      features({ promptTokens: 250_000 }),
      { ...settings(), longContextThreshold: 100_000 },
      ALL_CATEGORIES,
    );
    expect(result.reason).toBe('longcontext: 250000 prompt tokens >= 100000 -> route "longcontext"');
    const odd = classifyRequest(
      features({ model: 'claude-haiku-\u00e9"\u0007x' }),
      settings(),
      ALL_CATEGORIES,
    );
    expect(odd.reason).toBe(
      `background: model "claude-haiku-?'?x" matches "claude-*haiku*" -> route "background"`,
    );
  });

  it("uses the configured background globs", () => {
    const custom = { ...settings(), backgroundModels: ["*-flash"] };
    expect(classifyRequest(features({ model: "gemini-2.5-flash" }), custom, ALL_CATEGORIES).category).toBe(
      "background",
    );
    expect(classifyRequest(features({ model: "claude-haiku-4-5" }), custom, ALL_CATEGORIES).category).toBe(
      "default",
    );
  });
});

describe("classifyRequest: custom rules", () => {
  const routes = new Set([...ALL_CATEGORIES, "infra", "cheap", "big", "eu"]);
  const cases: { name: string; rule: Rule["when"]; request: Partial<RequestFeatures>; matches: boolean }[] = [
    { name: "model glob", rule: { model: "gpt-*" }, request: { model: "GPT-5" }, matches: true },
    { name: "model glob miss", rule: { model: "gpt-*" }, request: { model: "o3" }, matches: false },
    {
      name: "header glob, any name case",
      rule: { header: { "X-Team": "infra-*" } },
      request: { headers: { "x-team": "infra-core" } },
      matches: true,
    },
    { name: "missing header", rule: { header: { "x-team": "*" } }, request: {}, matches: false },
    {
      name: "every header must match",
      rule: { header: { "x-team": "infra", "x-env": "prod" } },
      request: { headers: { "x-team": "infra", "x-env": "dev" } },
      matches: false,
    },
    { name: "tenant", rule: { tenant: "acme" }, request: { tenant: "acme" }, matches: true },
    { name: "tenant glob", rule: { tenant: "eu-*" }, request: { tenant: "eu-west" }, matches: true },
    { name: "no tenant", rule: { tenant: "acme" }, request: {}, matches: false },
    {
      name: "minTokens inclusive",
      rule: { minTokens: 5000 },
      request: { promptTokens: 5000 },
      matches: true,
    },
    { name: "under minTokens", rule: { minTokens: 5000 }, request: { promptTokens: 4999 }, matches: false },
    {
      name: "maxTokens inclusive",
      rule: { maxTokens: 5000 },
      request: { promptTokens: 5000 },
      matches: true,
    },
    { name: "over maxTokens", rule: { maxTokens: 5000 }, request: { promptTokens: 5001 }, matches: false },
    { name: "images", rule: { images: true }, request: { hasImages: true }, matches: true },
    { name: "images: false", rule: { images: false }, request: { hasImages: true }, matches: false },
    { name: "tools declared", rule: { tools: true }, request: { hasTools: true }, matches: true },
    { name: "tool activity", rule: { tools: true }, request: { toolActivity: true }, matches: true },
    { name: "tools: false", rule: { tools: false }, request: {}, matches: true },
    { name: "reasoning", rule: { reasoning: true }, request: { wantsReasoning: true }, matches: true },
    { name: "reasoning miss", rule: { reasoning: true }, request: {}, matches: false },
    { name: "no conditions", rule: {}, request: {}, matches: true },
    {
      name: "all conditions together",
      rule: { model: "claude-*", tenant: "acme", minTokens: 10, maxTokens: 100, tools: true },
      request: { tenant: "acme", promptTokens: 50, toolActivity: true },
      matches: true,
    },
  ];
  for (const testCase of cases) {
    it(`${testCase.name}: ${testCase.matches ? "matches" : "does not match"}`, () => {
      const rule: Rule = { name: "r", route: "infra", when: testCase.rule };
      const result = classifyRequest(features(testCase.request), settings([rule]), routes);
      if (testCase.matches) {
        expect(result.route).toBe("infra");
        expect(result.category).toBe("rule:r");
        expect(result.reason).toMatch(/^rule "r" \(.+\) -> route "infra"$/);
      } else {
        expect(result.route).not.toBe("infra");
      }
    });
  }

  it("evaluates rules in order, before every built-in category", () => {
    const rules: Rule[] = [
      { name: "eu-tenant", route: "eu", when: { tenant: "eu-*" } },
      { name: "huge", route: "big", when: { minTokens: 100_000 } },
      { name: "catch-haiku", route: "cheap", when: { model: "*haiku*" } },
    ];
    const long = features({ promptTokens: 300_000, model: "claude-haiku-4-5" });
    expect(classifyRequest(long, settings(rules), routes)).toEqual({
      route: "big",
      category: "rule:huge",
      reason: 'rule "huge" (tokens 300000 >= 100000) -> route "big"',
    });
    expect(classifyRequest({ ...long, tenant: "eu-1" }, settings(rules), routes).route).toBe("eu");
    expect(classifyRequest(features({ model: "claude-haiku-4-5" }), settings(rules), routes).route).toBe(
      "cheap",
    );
  });

  it("skips a rule whose route does not exist", () => {
    const rules: Rule[] = [{ name: "ghost", route: "missing", when: {} }];
    expect(classifyRequest(features({ wantsReasoning: true }), settings(rules), routes).route).toBe(
      "thinking",
    );
  });
});
