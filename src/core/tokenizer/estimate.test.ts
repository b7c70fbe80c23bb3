import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { estimateTokenCost, estimateTokens } from "./estimate.js";

// Accuracy against tiktoken is asserted in src/host/tokenizer/estimate-accuracy.test.ts
// (the core never loads a tokenizer). Here: behaviour that needs no tokenizer.

const chinese = readFileSync(new URL("./__fixtures__/chinese.txt", import.meta.url), "utf8");
const english = readFileSync(new URL("./__fixtures__/english.txt", import.meta.url), "utf8");

describe("estimateTokens", () => {
  it("costs nothing for nothing and something for anything", () => {
    expect(estimateTokens("")).toBe(0);
    for (const text of ["a", " ", "\n", "1", ".", "中", "😀", "é", "\ud800"]) {
      expect(estimateTokens(text), JSON.stringify(text)).toBeGreaterThanOrEqual(1);
    }
  });

  it("counts common English words as about one token each", () => {
    expect(estimateTokens("The quick brown fox jumps over the lazy dog.")).toBeGreaterThanOrEqual(9);
    expect(estimateTokens("The quick brown fox jumps over the lazy dog.")).toBeLessThanOrEqual(12);
  });

  it("splits digits into groups of three, as o200k does", () => {
    expect(estimateTokens("1")).toBe(1);
    expect(estimateTokens("123")).toBe(1);
    expect(estimateTokens("1234567")).toBe(3);
  });

  it("charges Chinese about one token per character, far above chars/4", () => {
    const han = [...chinese].filter((char) => /\p{Script=Han}/u.test(char)).length;
    const estimate = estimateTokens(chinese);
    // tiktoken says 1,088 tokens for this file (see estimate-accuracy.test.ts); chars/4 says 337.
    expect(estimate).toBeGreaterThan((chinese.length / 4) * 2.5);
    expect(estimate).toBeGreaterThan(han * 0.8);
    expect(estimate).toBeLessThan(han * 1.2);
  });

  it("is additive: a text split at a word boundary estimates about the same", () => {
    const half = english.indexOf(" ", english.length / 2);
    const whole = estimateTokenCost(english);
    const parts = estimateTokenCost(english.slice(0, half)) + estimateTokenCost(english.slice(half));
    expect(Math.abs(parts - whole)).toBeLessThan(2);
  });

  it("estimates repeated text linearly", () => {
    const once = estimateTokenCost(`${english}\n`);
    const ten = estimateTokenCost(`${english}\n`.repeat(10));
    expect(ten / once).toBeCloseTo(10, 1);
  });

  it("never underestimates pathological runs (they are the expensive ones to count)", () => {
    // o200k: "a" x 30,000 is 3,750 tokens; "中" x 3,000 3,000; " " x 30,000 235; "\n" x 30,000 1,875.
    expect(estimateTokens("a".repeat(30_000))).toBeGreaterThanOrEqual(3_750);
    expect(estimateTokens("中".repeat(3_000))).toBeGreaterThanOrEqual(2_500);
    expect(estimateTokens(" ".repeat(30_000))).toBeGreaterThanOrEqual(235);
    expect(estimateTokens("\n".repeat(30_000))).toBeGreaterThanOrEqual(1_700);
  });

  it("handles lone and paired surrogates without looping or throwing", () => {
    expect(estimateTokens("a\ud800b\udc00c")).toBeGreaterThanOrEqual(3);
    expect(estimateTokens("😀".repeat(1000))).toBeGreaterThanOrEqual(1000);
    expect(estimateTokens("𠀀".repeat(10))).toBeGreaterThanOrEqual(10);
  });

  it("estimates 1 MB in a few milliseconds (no tokenizer)", () => {
    const big = `${english}\n${chinese}\n`.repeat(Math.ceil(1_000_000 / (english.length + chinese.length)));
    estimateTokenCost(big); // warm up
    const started = performance.now();
    for (let round = 0; round < 5; round++) estimateTokenCost(big);
    const perRound = (performance.now() - started) / 5;
    expect(perRound).toBeLessThan(1_000); // a generous bound for loaded CI machines; ~10-20 ms here
  });
});
