import { readdirSync, readFileSync } from "node:fs";
import { get_encoding } from "tiktoken";
import { afterAll, describe, expect, it } from "vitest";
import { estimateTokenCost } from "../../core/tokenizer/estimate.js";

// The estimate (src/core/tokenizer/estimate.ts) against tiktoken o200k_base on texts
// that live in this repository: English and Chinese written for these tests, the
// project's own TypeScript, the external JSON fixtures, and mixes of them.

const encoder = get_encoding("o200k_base");
afterAll(() => encoder.free());

const root = new URL("../../../", import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), "utf8");
const english = read("src/core/tokenizer/__fixtures__/english.txt");
const chinese = read("src/core/tokenizer/__fixtures__/chinese.txt");

function filesUnder(dir: string, suffix: string, skip?: RegExp): string[] {
  return (readdirSync(new URL(dir, root), { recursive: true }) as string[])
    .filter((path) => path.endsWith(suffix) && (skip === undefined || !skip.test(path)))
    .sort()
    .map((path) => read(`${dir}/${path}`));
}

/** Consecutive windows of 600-4,000 characters, deterministic. */
function windowsOf(texts: string[], limit: number): string[] {
  const sizes = [600, 1_500, 4_000, 2_500, 1_000];
  const out: string[] = [];
  for (const text of texts) {
    for (let start = 0, turn = 0; start < text.length && out.length < limit; turn++) {
      const size = sizes[turn % sizes.length] ?? 1_000;
      const window = text.slice(start, start + size);
      if (window.trim().length >= 200) out.push(window);
      start += size;
    }
  }
  return out;
}

function paragraphs(text: string): string[] {
  return text.split("\n\n").filter((paragraph) => paragraph.trim() !== "");
}

/** Relative errors (estimate - exact) / exact. */
function errorsOf(samples: string[]): number[] {
  return samples.map((text) => {
    const exact = encoder.encode_ordinary(text).length;
    return (estimateTokenCost(text) - exact) / exact;
  });
}

function quantile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? Number.NaN;
}

const code = windowsOf(filesUnder("src/core", ".ts", /\.test\.ts$/), 150);
const json = windowsOf(filesUnder("test/fixtures/external", ".json"), 150);
const englishSamples = [...paragraphs(english), ...windowsOf([english], 20)];
const chineseParagraphs = paragraphs(chinese);
const mixed = chineseParagraphs.map(
  (paragraph, index) =>
    `${paragraph}\n\n${paragraphs(english)[index % 8]}\n\n${code[index * 7] ?? ""}\n${json[index * 5] ?? ""}`,
);

describe("estimateTokens against tiktoken o200k_base", () => {
  const sets: [string, string[]][] = [
    ["English prose", englishSamples],
    ["TypeScript", code],
    ["JSON", json],
    ["mixed Chinese, English, code and JSON", mixed],
  ];
  for (const [name, samples] of sets) {
    it(`${name}: 90 percent of texts within 15 percent`, () => {
      expect(samples.length).toBeGreaterThanOrEqual(10);
      const errors = errorsOf(samples);
      expect(quantile(errors.map(Math.abs), 0.9)).toBeLessThanOrEqual(0.15);
      expect(Math.abs(quantile(errors, 0.5))).toBeLessThanOrEqual(0.06);
    });
  }

  it("Chinese: never grossly under, even for colloquial prose where o200k needs a token per character", () => {
    const errors = errorsOf(chineseParagraphs);
    expect(Math.min(...errors)).toBeGreaterThanOrEqual(-0.2);
    expect(Math.abs(errorsOf([chinese])[0] ?? 1)).toBeLessThanOrEqual(0.1);
    // The rule of thumb this replaces: chars/4 misses two thirds of the tokens.
    const exact = encoder.encode_ordinary(chinese).length;
    expect(chinese.length / 4 / exact).toBeLessThan(0.4);
  });

  it("whole documents land closer than single paragraphs", () => {
    for (const text of [english, chinese, code.join("\n"), json.join("\n")]) {
      expect(Math.abs(errorsOf([text])[0] ?? 1)).toBeLessThanOrEqual(0.1);
    }
  });
});
