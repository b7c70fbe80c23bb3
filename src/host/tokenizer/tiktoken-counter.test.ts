import { readFileSync } from "node:fs";
import { get_encoding } from "tiktoken";
import { afterAll, describe, expect, it } from "vitest";
import { TiktokenCounter } from "./tiktoken-counter.js";

const reference = get_encoding("o200k_base");
const counter = new TiktokenCounter();
afterAll(() => {
  counter.free();
  reference.free();
});

function fixture(name: string): string {
  return readFileSync(new URL(`../../core/tokenizer/__fixtures__/${name}`, import.meta.url), "utf8");
}

const english = fixture("english.txt");
const chinese = fixture("chinese.txt");
const code = readFileSync(new URL("../../core/tokenizer/estimate.ts", import.meta.url), "utf8");
const json = readFileSync(
  new URL(
    "../../../test/fixtures/external/vercel-ai/anthropic/anthropic-web-search-tool.1.chunks.txt",
    import.meta.url,
  ),
  "utf8",
);

describe("TiktokenCounter", () => {
  it("agrees with tiktoken o200k_base on ordinary text", () => {
    for (const text of [english, chinese, code, json, `${english}\n${chinese}\n${code}`, "hello", "", " "]) {
      expect(counter.count(text)).toBe(reference.encode_ordinary(text).length);
    }
  });

  it("counts special-token text as plain text instead of throwing", () => {
    const text = "a prompt that mentions <|endoftext|> and <|im_start|>";
    expect(counter.count(text)).toBe(reference.encode_ordinary(text).length);
  });

  it("agrees with tiktoken on a 200 KB prompt (below the per-call cap, no runs cut)", () => {
    const big = `${english}\n${code}\n${json}\n`.repeat(
      Math.ceil(200_000 / (english.length + code.length + json.length)),
    );
    expect(counter.count(big)).toBe(reference.encode_ordinary(big).length);
  });

  it("bounds pathological input: single-class runs that make o200k quadratic finish quickly", () => {
    // Encoded directly, "a" x 30,000 alone takes about 1.5 s and "中" x 30,000 far longer.
    const inputs = [
      "a".repeat(30_000),
      "A".repeat(30_000),
      "中".repeat(30_000),
      "é".repeat(30_000),
      " ".repeat(100_000),
      "\n".repeat(100_000),
      "'".repeat(30_000),
      "😀".repeat(30_000),
      `.${"/\n".repeat(30_000)}`,
    ];
    const started = performance.now();
    for (const text of inputs) {
      const tokens = counter.count(text);
      expect(tokens).toBeGreaterThan(0);
      expect(tokens).toBeLessThanOrEqual(text.length);
    }
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it("stays exact where cutting a run lands on token boundaries", () => {
    // 64-letter pieces of "a" are 8 tokens each in o200k, as in the uncut run.
    expect(counter.count("a".repeat(30_000))).toBe(3_750);
    expect(counter.count("1".repeat(30_000))).toBe(10_000);
  });

  it("extrapolates beyond maxChars from the counted head", () => {
    const capped = new TiktokenCounter({ maxChars: 20_000 });
    const text = `${english}\n${chinese}\n`.repeat(30);
    const exact = reference.encode_ordinary(text).length;
    const counted = capped.count(text);
    expect(Math.abs(counted - exact) / exact).toBeLessThan(0.03);
    capped.free();
  });

  it("loads lazily, frees, and loads again on the next count", () => {
    const fresh = new TiktokenCounter();
    fresh.free(); // freeing before any load is harmless
    expect(fresh.count("hello world")).toBe(2);
    fresh.free();
    expect(fresh.count("hello world")).toBe(2);
    fresh.free();
  });
});
