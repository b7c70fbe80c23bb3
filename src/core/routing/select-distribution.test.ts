import { describe, expect, it } from "vitest";
import { HEALTHY_TARGET, type QuotaView, type TargetHealth } from "./quota-view.js";
import { healthFactor } from "./round-robin.js";
import type { Route, TierTarget } from "./route.js";
import { createSeededRandom } from "./seeded-random.js";
import { createRouterState, orderTargets, type RouterState } from "./select.js";

const NOW = 1_700_000_000_000;
const RECOVERY_MS = 60_000;
/** Round-robin draws no random numbers. */
const noRandom = (): number => {
  throw new Error("round-robin must not draw random numbers");
};

function viewOf(health: Record<string, Partial<TargetHealth>>, now: number): QuotaView {
  return { now, target: (provider, model) => ({ ...HEALTHY_TARGET, ...health[`${provider}/${model}`] }) };
}

function routeOf(mode: "round-robin" | "weighted", targets: TierTarget[]): Route {
  return { name: mode, tiers: [{ mode, backup: false, targets }] };
}

function pick(
  route: Route,
  state: RouterState,
  random: () => number,
  health: Record<string, Partial<TargetHealth>> = {},
  now = NOW,
): string[] {
  const selection = orderTargets({
    route,
    view: viewOf(health, now),
    models: () => undefined,
    needs: { promptTokens: 10, vision: false, tools: false },
    random,
    state,
    recoveryMs: RECOVERY_MS,
  });
  return selection.ordered.map((target) => target.model);
}

function countFirst(draws: number, next: () => string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let index = 0; index < draws; index++) {
    const first = next()[0] ?? "none";
    counts[first] = (counts[first] ?? 0) + 1;
  }
  return counts;
}

describe("createSeededRandom", () => {
  it("repeats its sequence for a seed and stays in [0, 1)", () => {
    const a = createSeededRandom(7);
    const b = createSeededRandom(7);
    const values = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(values);
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(new Set(values).size).toBe(1000);
  });
});

describe("weighted mode", () => {
  const route = routeOf("weighted", [
    { provider: "p", model: "a", weight: 5 },
    { provider: "p", model: "b", weight: 3 },
    { provider: "p", model: "c", weight: 2 },
    { provider: "p", model: "off", weight: 0 },
  ]);

  it("draws the first target by weight (10,000 draws, within 1.5 points)", () => {
    const state = createRouterState();
    const random = createSeededRandom(2024);
    const counts = countFirst(10_000, () => pick(route, state, random));
    expect(Object.keys(counts).sort()).toEqual(["a", "b", "c"]);
    expect(Math.abs((counts.a ?? 0) / 10_000 - 0.5)).toBeLessThan(0.015);
    expect(Math.abs((counts.b ?? 0) / 10_000 - 0.3)).toBeLessThan(0.015);
    expect(Math.abs((counts.c ?? 0) / 10_000 - 0.2)).toBeLessThan(0.015);
  });

  it("draws the rest without replacement, weight-0 and unavailable targets last", () => {
    const state = createRouterState();
    const random = createSeededRandom(9);
    let secondIsB = 0;
    for (let index = 0; index < 10_000; index++) {
      const order = pick(route, state, random, { "p/c": { available: false } });
      expect(order.slice(2)).toEqual(["off", "c"]);
      if (order[1] === "b") secondIsB++;
    }
    // a first (5/8) then b; or b first (3/8) then a: b is second 5/8 of the time.
    expect(Math.abs(secondIsB / 10_000 - 5 / 8)).toBeLessThan(0.015);
  });
});

describe("round-robin mode", () => {
  const equal = routeOf("round-robin", [
    { provider: "p", model: "a" },
    { provider: "p", model: "b" },
    { provider: "p", model: "c" },
  ]);

  it("cycles in config order for equal weights, and keeps its place in the state", () => {
    const state = createRouterState();
    const random = () => 0.5;
    const firsts = Array.from({ length: 9 }, () => pick(equal, state, random)[0]);
    expect(firsts).toEqual(["a", "b", "c", "a", "b", "c", "a", "b", "c"]);
    expect(pick(equal, state, random)).toEqual(["a", "b", "c"]);
    expect(pick(equal, state, random)).toEqual(["b", "c", "a"]);
  });

  it("interleaves explicit weights smoothly", () => {
    const weighted = routeOf("round-robin", [
      { provider: "p", model: "a", weight: 3 },
      { provider: "p", model: "b", weight: 1 },
    ]);
    const state = createRouterState();
    const firsts = Array.from({ length: 8 }, () => pick(weighted, state, noRandom)[0]);
    expect(firsts).toEqual(["a", "a", "b", "a", "a", "a", "b", "a"]);
  });

  it("gives a failing target proportionally fewer picks, and the share back over time", () => {
    const lastErrorAt = NOW;
    const failing = { "p/c": { consecutiveErrors: 1, penalty: 1, lastErrorAt } };
    const share = (now: number) => {
      const state = createRouterState();
      const counts = countFirst(1000, () => pick(equal, state, noRandom, failing, now));
      return (counts.c ?? 0) / 1000;
    };
    // weights 1 : 1 : 0.5 right after the error -> c gets 0.5 / 2.5 of the picks
    expect(share(NOW)).toBeCloseTo(0.2, 2);
    // half-way through recovery: 0.75 / 2.75
    expect(share(NOW + RECOVERY_MS / 2)).toBeCloseTo(0.75 / 2.75, 2);
    // recovered
    expect(share(NOW + RECOVERY_MS)).toBeCloseTo(1 / 3, 2);
    // more errors, smaller share: 1 / (1 + 3) weight
    const state = createRouterState();
    const worse = countFirst(1000, () =>
      pick(equal, state, noRandom, { "p/c": { consecutiveErrors: 3, lastErrorAt } }),
    );
    expect((worse.c ?? 0) / 1000).toBeCloseTo(0.25 / 2.25, 2);
  });

  it("skips unavailable targets, and takes them back into the rotation when they return", () => {
    const state = createRouterState();
    const down = { "p/b": { available: false } };
    const whileDown = Array.from({ length: 4 }, () => pick(equal, state, noRandom, down));
    expect(whileDown.map((order) => order[0])).toEqual(["a", "c", "a", "c"]);
    expect(whileDown.every((order) => order[2] === "b")).toBe(true);
    const counts = countFirst(300, () => pick(equal, state, noRandom));
    expect(counts).toEqual({ a: 100, b: 100, c: 100 });
  });

  it("computes the health factor from errors and time since the last one", () => {
    const health = (patch: Partial<TargetHealth>): TargetHealth => ({ ...HEALTHY_TARGET, ...patch });
    expect(healthFactor(health({}), NOW, RECOVERY_MS)).toBe(1);
    expect(healthFactor(health({ consecutiveErrors: 1, lastErrorAt: NOW }), NOW, RECOVERY_MS)).toBe(0.5);
    expect(healthFactor(health({ penalty: 4, lastErrorAt: NOW }), NOW, RECOVERY_MS)).toBe(0.2);
    expect(healthFactor(health({ consecutiveErrors: 1, lastErrorAt: NOW - 15_000 }), NOW, RECOVERY_MS)).toBe(
      0.625,
    );
    expect(healthFactor(health({ consecutiveErrors: 9, lastErrorAt: NOW - 120_000 }), NOW, RECOVERY_MS)).toBe(
      1,
    );
  });
});
