import { describe, expect, it } from "vitest";
import { findDeclaredModel } from "./find-declared-model.js";
import type { RoutingProvider } from "./resolve-model.js";

describe("findDeclaredModel", () => {
  const provider: RoutingProvider = {
    id: "oa",
    protocol: "openai-chat",
    models: [
      { name: "gpt-*", context: 128_000 },
      { name: "gpt-5", context: 400_000, capabilities: ["tools", "vision", "reasoning"] },
      { name: "fast", upstream: "gpt-4o-mini" },
    ],
  };

  it("prefers an exact name over an earlier glob, like resolveModel", () => {
    expect(findDeclaredModel(provider, "gpt-5")?.context).toBe(400_000);
    expect(findDeclaredModel(provider, "GPT-4.1")?.context).toBe(128_000);
    expect(findDeclaredModel(provider, "fast")?.upstream).toBe("gpt-4o-mini");
    expect(findDeclaredModel(provider, "claude")).toBeUndefined();
  });
});
