import { describe, expect, it } from "vitest";
import { HEALTHY_TARGET, type QuotaView, type TargetHealth } from "./quota-view.js";
import type { ProviderModel } from "./resolve-model.js";
import { type Route, routeFromTargets, type Tier } from "./route.js";
import { createSeededRandom } from "./seeded-random.js";
import { createRouterState, orderTargets, type SelectionInput } from "./select.js";

const NOW = 1_700_000_000_000;

function viewOf(health: Record<string, Partial<TargetHealth>> = {}, now = NOW): QuotaView {
  return { now, target: (provider, model) => ({ ...HEALTHY_TARGET, ...health[`${provider}/${model}`] }) };
}

function modelsOf(declared: Record<string, ProviderModel> = {}): SelectionInput["models"] {
  return (provider, model) => declared[`${provider}/${model}`];
}

function tier(mode: Tier["mode"], targets: string[], backup = false): Tier {
  return {
    mode,
    backup,
    targets: targets.map((text) => {
      const [provider = "", model = ""] = text.split("/");
      return { provider, model };
    }),
  };
}

function input(route: Route, overrides: Partial<SelectionInput> = {}): SelectionInput {
  return {
    route,
    view: viewOf(),
    models: modelsOf(),
    needs: { promptTokens: 1000, vision: false, tools: false },
    random: createSeededRandom(1),
    state: createRouterState(),
    ...overrides,
  };
}

function names(route: Route, overrides: Partial<SelectionInput> = {}): string[] {
  return orderTargets(input(route, overrides)).ordered.map((target) => `${target.provider}/${target.model}`);
}

const unavailable: Partial<TargetHealth> = { available: false, coolingUntil: NOW + 30_000 };

describe("orderTargets: filters", () => {
  const route: Route = { name: "coding", tiers: [tier("priority", ["a/small", "a/text", "b/big", "c/any"])] };
  const declared = modelsOf({
    "a/small": { name: "small", context: 32_000, capabilities: ["tools", "vision"] },
    "a/text": { name: "text", context: 400_000, capabilities: ["tools"] },
    "b/big": { name: "big", context: 1_000_000, capabilities: ["vision"] },
  });
  const cases: {
    name: string;
    needs: SelectionInput["needs"];
    expected: string[];
    filtered: { target: string; reason: string }[];
  }[] = [
    {
      name: "nothing special",
      needs: { promptTokens: 1000, vision: false, tools: false },
      expected: ["a/small", "a/text", "b/big", "c/any"],
      filtered: [],
    },
    {
      name: "a prompt larger than a context window",
      needs: { promptTokens: 50_000, vision: false, tools: false },
      expected: ["a/text", "b/big", "c/any"],
      filtered: [{ target: "a/small", reason: "context window 32000 < 50000 prompt tokens" }],
    },
    {
      name: "images",
      needs: { promptTokens: 1000, vision: true, tools: false },
      expected: ["a/small", "b/big", "c/any"],
      filtered: [{ target: "a/text", reason: "no vision for a request with images" }],
    },
    {
      name: "tools and a long prompt",
      needs: { promptTokens: 100_000, vision: false, tools: true },
      expected: ["a/text", "c/any"],
      filtered: [
        { target: "a/small", reason: "context window 32000 < 100000 prompt tokens" },
        { target: "b/big", reason: "no tools for a request with tools" },
      ],
    },
  ];
  for (const testCase of cases) {
    it(`${testCase.name}: undeclared targets are kept`, () => {
      const selection = orderTargets(input(route, { models: declared, needs: testCase.needs }));
      expect(selection.ordered.map((target) => `${target.provider}/${target.model}`)).toEqual(
        testCase.expected,
      );
      expect(selection.filtered).toEqual(testCase.filtered);
      if (testCase.filtered.length > 0) expect(selection.explanation).toContain("filtered a/");
    });
  }

  it("says so when every target is filtered out", () => {
    const selection = orderTargets(
      input(route, { models: declared, needs: { promptTokens: 2_000_000, vision: true, tools: true } }),
    );
    expect(selection.ordered.filter((target) => target.provider !== "c")).toEqual([]);
    const only: Route = { name: "tiny", tiers: [tier("priority", ["a/small"])] };
    const none = orderTargets(
      input(only, { models: declared, needs: { promptTokens: 64_000, vision: false, tools: false } }),
    );
    expect(none.ordered).toEqual([]);
    expect(none.explanation).toContain("no target can serve this request");
  });

  it("resolves wire names and `*` targets from the client's model", () => {
    const starRoute: Route = { name: "any", tiers: [tier("priority", ["a/fast", "open/*"])] };
    const models = modelsOf({ "a/fast": { name: "fast", upstream: "gpt-4o-mini" } });
    expect(orderTargets(input(starRoute, { models, clientModel: "llama-3.3-70b" })).ordered).toEqual([
      { provider: "a", model: "fast", upstreamModel: "gpt-4o-mini" },
      { provider: "open", model: "llama-3.3-70b", upstreamModel: "llama-3.3-70b" },
    ]);
    const withoutClientModel = orderTargets(input(starRoute, { models }));
    expect(withoutClientModel.ordered).toHaveLength(1);
    expect(withoutClientModel.filtered).toEqual([
      { target: "open/*", reason: "no client model name for `*`" },
    ]);
  });

  it("asks the view about the wire name", () => {
    const route2: Route = { name: "r", tiers: [tier("priority", ["a/fast", "b/x"])] };
    const models = modelsOf({ "a/fast": { name: "fast", upstream: "gpt-4o-mini" } });
    expect(names(route2, { models, view: viewOf({ "a/gpt-4o-mini": unavailable }) })).toEqual([
      "b/x",
      "a/fast",
    ]);
  });
});

describe("orderTargets: tiers", () => {
  it("keeps the short form in list order", () => {
    const route = routeFromTargets("default", [
      { provider: "a", model: "m1" },
      { provider: "b", model: "m2" },
    ]);
    expect(route).toEqual({ name: "default", tiers: [tier("priority", ["a/m1", "b/m2"])] });
    expect(names(route)).toEqual(["a/m1", "b/m2"]);
  });

  const cases: {
    name: string;
    tiers: Tier[];
    health?: Record<string, Partial<TargetHealth>>;
    expected: string[];
    explains?: string;
  }[] = [
    {
      name: "primary tiers in config order",
      tiers: [tier("priority", ["a/1", "a/2"]), tier("priority", ["b/1"])],
      expected: ["a/1", "a/2", "b/1"],
    },
    {
      name: "unavailable targets after the available ones of their own tier",
      tiers: [tier("priority", ["a/1", "a/2"]), tier("priority", ["b/1"])],
      health: { "a/1": unavailable },
      expected: ["a/2", "a/1", "b/1"],
      explains: "tier 1 priority [a/2, a/1 (unavailable)]",
    },
    {
      name: "backup tiers last, wherever they are listed",
      tiers: [tier("priority", ["z/1"], true), tier("priority", ["a/1"]), tier("priority", ["b/1"])],
      expected: ["a/1", "b/1", "z/1"],
      explains: 'route "r": tier 2 priority [a/1]; tier 3 priority [b/1]; backup tier 1 priority [z/1]',
    },
    {
      name: "backup tier serves when every primary is unavailable",
      tiers: [tier("priority", ["a/1"]), tier("priority", ["b/1"]), tier("priority", ["z/1"], true)],
      health: { "a/1": unavailable, "b/1": { available: false } },
      expected: ["a/1", "b/1", "z/1"],
      explains: "every primary target is unavailable: backup tier 3 serves first",
    },
    {
      name: "nothing available at all",
      tiers: [tier("priority", ["a/1"]), tier("priority", ["z/1"], true)],
      health: { "a/1": unavailable, "z/1": unavailable },
      expected: ["a/1", "z/1"],
      explains: "no target is available now",
    },
    {
      name: "a target listed twice is tried once, in its first tier",
      tiers: [tier("priority", ["a/1", "b/1"]), tier("priority", ["a/1", "c/1"], true)],
      expected: ["a/1", "b/1", "c/1"],
    },
  ];
  for (const testCase of cases) {
    it(testCase.name, () => {
      const route: Route = { name: "r", tiers: testCase.tiers };
      const selection = orderTargets(input(route, { view: viewOf(testCase.health) }));
      expect(selection.ordered.map((target) => `${target.provider}/${target.model}`)).toEqual(
        testCase.expected,
      );
      if (testCase.explains !== undefined) expect(selection.explanation).toContain(testCase.explains);
    });
  }

  it("priority mode: available first, then priority number (lower first), then config order", () => {
    const route: Route = {
      name: "p",
      tiers: [
        {
          mode: "priority",
          backup: false,
          targets: [
            { provider: "a", model: "1", priority: 2 },
            { provider: "a", model: "2" },
            { provider: "a", model: "3", priority: 1 },
            { provider: "a", model: "4", priority: -1 },
            { provider: "a", model: "5", priority: 1 },
          ],
        },
      ],
    };
    expect(names(route)).toEqual(["a/4", "a/2", "a/3", "a/5", "a/1"]);
    expect(names(route, { view: viewOf({ "a/4": unavailable, "a/3": unavailable }) })).toEqual([
      "a/2",
      "a/5",
      "a/1",
      "a/4",
      "a/3",
    ]);
  });
});

describe("orderTargets: sticky sessions", () => {
  const route: Route = {
    name: "s",
    tiers: [tier("round-robin", ["a/1", "a/2", "a/3"]), tier("priority", ["z/1"], true)],
  };

  it("puts an available sticky target first, without advancing the round robin", () => {
    const state = createRouterState();
    const selection = orderTargets(input(route, { state, sticky: { provider: "a", model: "3" } }));
    expect(selection.ordered.map((target) => target.model)).toEqual(["3", "1", "2", "1"]);
    expect(selection.explanation).toContain("sticky a/3 first");
    expect(state.roundRobin).toEqual({});
    expect(names(route, { state })[0]).toBe("a/1");
  });

  const cases: {
    name: string;
    sticky: { provider: string; model: string };
    health?: Record<string, Partial<TargetHealth>>;
    first: string;
    explains: string;
  }[] = [
    {
      name: "an unavailable sticky target loses its place",
      sticky: { provider: "a", model: "2" },
      health: { "a/2": unavailable },
      first: "a/1",
      explains: "sticky a/2 is unavailable",
    },
    {
      name: "a sticky target no longer in the route is ignored",
      sticky: { provider: "gone", model: "x" },
      first: "a/1",
      explains: "sticky gone/x is not in the route",
    },
    {
      name: "a sticky backup target yields once a primary is back",
      sticky: { provider: "z", model: "1" },
      first: "a/1",
      explains: "sticky z/1 is a backup target and a primary one is available",
    },
    {
      name: "a sticky backup target stays first while every primary is down",
      sticky: { provider: "z", model: "1" },
      health: { "a/1": unavailable, "a/2": unavailable, "a/3": unavailable },
      first: "z/1",
      explains: "sticky z/1 first",
    },
  ];
  for (const testCase of cases) {
    it(testCase.name, () => {
      const selection = orderTargets(
        input(route, { sticky: testCase.sticky, view: viewOf(testCase.health) }),
      );
      const first = selection.ordered[0];
      expect(`${first?.provider}/${first?.model}`).toBe(testCase.first);
      expect(selection.explanation).toContain(testCase.explains);
    });
  }
});

describe("orderTargets: determinism", () => {
  const route: Route = {
    name: "d",
    tiers: [
      tier("weighted", ["a/1", "a/2", "a/3", "a/4"]),
      tier("round-robin", ["b/1", "b/2", "b/3"]),
      tier("priority", ["c/1", "c/2"], true),
    ],
  };

  it("gives the same orders for the same seed, state and snapshot", () => {
    const run = (seed: number) => {
      const state = createRouterState();
      const random = createSeededRandom(seed);
      const orders: string[][] = [];
      for (let index = 0; index < 50; index++) {
        const health = index % 7 === 0 ? { "a/1": unavailable } : {};
        orders.push(names(route, { state, random, view: viewOf(health, NOW + index * 1000) }));
      }
      return { orders, state };
    };
    const first = run(42);
    expect(run(42)).toEqual(first);
    expect(run(43).orders).not.toEqual(first.orders);
    for (const order of first.orders)
      expect([...order].sort()).toEqual(["a/1", "a/2", "a/3", "a/4", "b/1", "b/2", "b/3", "c/1", "c/2"]);
  });

  it("advances only the round-robin tier that serves", () => {
    const rr: Route = {
      name: "rr",
      tiers: [tier("round-robin", ["a/1", "a/2"]), tier("round-robin", ["b/1", "b/2"])],
    };
    const state = createRouterState();
    names(rr, { state });
    expect(Object.keys(state.roundRobin)).toEqual(["rr#1"]);
    names(rr, { state, view: viewOf({ "a/1": unavailable, "a/2": unavailable }) });
    expect(Object.keys(state.roundRobin).sort()).toEqual(["rr#1", "rr#2"]);
  });
});
