import { describe, expect, it } from "vitest";
import { mergeCallFrames, splitFragments, splitText, toolArgumentsObject } from "./shared.js";

describe("splitting text into deltas", () => {
  it("splits at word boundaries into the asked number of pieces, losing nothing", () => {
    const text = "The quick brown fox jumps over the lazy dog.";
    const pieces = splitText(text, 3);
    expect(pieces).toHaveLength(3);
    expect(pieces.join("")).toBe(text);
    for (const piece of pieces.slice(0, -1)) expect(piece.endsWith(" ")).toBe(true);
  });

  it("falls back to code points when there are fewer words than pieces, never splitting a surrogate pair", () => {
    const text = "héllo🙂";
    const pieces = splitText(text, 6);
    expect(pieces).toEqual(["h", "é", "l", "l", "o", "🙂"]);
    expect(splitText("ab", 10)).toEqual(["a", "b"]);
    expect(splitText("", 4)).toEqual([""]);
  });

  it("fragments argument JSON mid-token, and sends no fragment for empty arguments", () => {
    const json = '{"city":"Paris"}';
    const fragments = splitFragments(json, 4);
    expect(fragments).toHaveLength(4);
    expect(fragments.join("")).toBe(json);
    expect(splitFragments("", 3)).toEqual([]);
  });

  it("interleaves per-call frames round-robin or keeps them in order", () => {
    const lists = [
      ["a0", "a1", "a2"],
      ["b0", "b1"],
    ];
    expect(mergeCallFrames(lists, true)).toEqual(["a0", "b0", "a1", "b1", "a2"]);
    expect(mergeCallFrames(lists, false)).toEqual(["a0", "a1", "a2", "b0", "b1"]);
  });

  it("turns raw argument text into an object for whole-object protocols, {} when it is not one", () => {
    expect(toolArgumentsObject({ name: "t", rawArguments: '{"a":1}' })).toEqual({ a: 1 });
    expect(toolArgumentsObject({ name: "t", rawArguments: '{"a":' })).toEqual({});
    expect(toolArgumentsObject({ name: "t" })).toEqual({});
  });
});
