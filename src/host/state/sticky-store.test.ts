import { describe, expect, it } from "vitest";
import { DEFAULT_STICKY_IDLE_MS, StickyStore } from "./sticky-store.js";

const NOW = 1_700_000_000_000;
const target = {
  provider: "anthropic",
  model: "claude-sonnet-4-5",
  credentialKey: "credential:anthropic/main",
};

describe("StickyStore", () => {
  it("keeps a session on its target until the lease runs out after an hour idle", () => {
    const store = new StickyStore();
    store.set("s1", target, NOW);
    expect(store.get("s1", NOW + DEFAULT_STICKY_IDLE_MS - 1)).toEqual(target);
    expect(store.get("s1", NOW + DEFAULT_STICKY_IDLE_MS)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it("extends the lease on touch, not on get", () => {
    const store = new StickyStore({ idleMs: 1000 });
    store.set("s1", target, NOW);
    expect(store.get("s1", NOW + 900)).toEqual(target);
    expect(store.touch("s1", NOW + 900)).toBe(true);
    expect(store.get("s1", NOW + 1800)).toEqual(target);
    expect(store.get("s1", NOW + 1900)).toBeUndefined();
    expect(store.touch("s1", NOW + 1900)).toBe(false);
    expect(store.touch("never", NOW)).toBe(false);
  });

  it("moves a session to its new target after a failover, and forgets a dropped one", () => {
    const store = new StickyStore();
    store.set("s1", target, NOW);
    store.set("s1", { provider: "openai", model: "gpt-5" }, NOW + 10);
    expect(store.get("s1", NOW + 20)).toEqual({ provider: "openai", model: "gpt-5" });
    store.drop("s1");
    expect(store.get("s1", NOW + 20)).toBeUndefined();
  });

  it("returns copies: changing one does not move the session", () => {
    const store = new StickyStore();
    const binding = { ...target };
    store.set("s1", binding, NOW);
    binding.provider = "other";
    const read = store.get("s1", NOW);
    if (read !== undefined) read.model = "changed";
    expect(store.get("s1", NOW)).toEqual(target);
  });

  it("evicts the least recently set or touched session when full", () => {
    const store = new StickyStore({ maxEntries: 3 });
    store.set("a", target, NOW);
    store.set("b", target, NOW + 1);
    store.set("c", target, NOW + 2);
    store.touch("a", NOW + 3);
    store.set("d", target, NOW + 4);
    expect(store.size).toBe(3);
    expect(store.get("b", NOW + 5)).toBeUndefined();
    for (const id of ["a", "c", "d"]) expect(store.get(id, NOW + 5)).toEqual(target);
  });

  it("stays bounded under many sessions and sweeps expired ones on the way", () => {
    const store = new StickyStore({ maxEntries: 1000, idleMs: 10_000 });
    for (let index = 0; index < 50_000; index++) store.set(`s${index}`, target, NOW + index);
    expect(store.size).toBe(1000);
    expect(store.get("s49999", NOW + 50_000)).toEqual(target);
    store.set("late", target, NOW + 59_990);
    // everything set before NOW + 49_990 expired by now and was swept from the old end
    expect(store.size).toBe(10);
  });
});
