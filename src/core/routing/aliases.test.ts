import { describe, expect, it } from "vitest";
import { resolveAlias } from "./aliases.js";

describe("resolveAlias", () => {
  const aliases = {
    "claude-*haiku*": "background",
    "claude-*": "anthropic/claude-sonnet-4-5",
    "claude-3-5-haiku-20241022": "cheap",
    "gpt-?": "openai/gpt-5",
    sonnet: "anthropic/claude-sonnet-4-5",
  };

  it.each([
    ["claude-3-5-haiku-20241022", "cheap"], // exact beats an earlier glob
    ["claude-haiku-4-5", "background"], // first glob in config order
    ["CLAUDE-HAIKU-4-5", "background"], // globs ignore case
    ["claude-opus-4-1", "anthropic/claude-sonnet-4-5"],
    ["gpt-5", "openai/gpt-5"],
    ["sonnet", "anthropic/claude-sonnet-4-5"],
  ])("%s -> %s", (model, target) => {
    expect(resolveAlias(model, aliases)).toBe(target);
  });

  it("returns undefined when nothing applies, and ignores inherited keys", () => {
    expect(resolveAlias("gpt-55", aliases)).toBeUndefined();
    expect(resolveAlias("SONNET", aliases)).toBeUndefined();
    expect(resolveAlias("toString", aliases)).toBeUndefined();
    expect(resolveAlias("anything", {})).toBeUndefined();
  });
});
