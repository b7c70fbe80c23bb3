import { describe, expect, it } from "vitest";
import { LlmuxError } from "../model/errors.js";
import { type RoutingProvider, type RoutingTable, resolveModel } from "./resolve-model.js";

function table(): RoutingTable {
  const providers = new Map<string, RoutingProvider>([
    ["demo", { id: "demo", protocol: undefined, models: [{ name: "demo" }] }],
    [
      "oa",
      {
        id: "oa",
        protocol: "openai-chat",
        models: [{ name: "gpt-*" }, { name: "fast", upstream: "gpt-4o-mini" }],
      },
    ],
    ["oar", { id: "oar", protocol: "openai-responses", models: [{ name: "gpt-*" }] }],
    ["ant", { id: "ant", protocol: "anthropic", models: [{ name: "claude-*" }] }],
    ["open", { id: "open", protocol: "openai-chat", models: [] }],
  ]);
  const routes = new Map([
    ["default", [{ provider: "demo", model: "demo" }]],
    [
      "coding",
      [
        { provider: "ant", model: "claude-sonnet-4-5" },
        { provider: "oa", model: "fast" },
      ],
    ],
  ]);
  return { providers, routes };
}

describe("resolveModel", () => {
  it("resolves a route name to its targets in order, with wire names", () => {
    const resolution = resolveModel(table(), "coding", "anthropic");
    expect(resolution.route).toBe("coding");
    expect(resolution.targets).toEqual([
      { provider: "ant", model: "claude-sonnet-4-5", upstreamModel: "claude-sonnet-4-5" },
      { provider: "oa", model: "fast", upstreamModel: "gpt-4o-mini" },
    ]);
  });

  it("resolves a direct provider/model target, and refuses a model the provider lacks", () => {
    expect(resolveModel(table(), "oa/fast", "openai-chat").targets).toEqual([
      { provider: "oa", model: "fast", upstreamModel: "gpt-4o-mini" },
    ]);
    expect(resolveModel(table(), "open/anything-at-all", "openai-chat").targets[0]?.upstreamModel).toBe(
      "anything-at-all",
    );
    expect(() => resolveModel(table(), "ant/gpt-4o", "anthropic")).toThrow(LlmuxError);
  });

  it("matches provider model globs, preferring providers of the client's protocol", () => {
    const fromResponses = resolveModel(table(), "gpt-5", "openai-responses");
    expect(fromResponses.targets.map((target) => target.provider)).toEqual(["oar", "oa"]);
    const fromChat = resolveModel(table(), "gpt-5", "openai-chat");
    expect(fromChat.targets.map((target) => target.provider)).toEqual(["oa", "oar"]);
    expect(resolveModel(table(), "CLAUDE-opus-4", "anthropic").targets[0]?.upstreamModel).toBe(
      "CLAUDE-opus-4",
    );
  });

  it("passes the client's model name through a `*` target", () => {
    const withStar = table();
    (withStar.routes as Map<string, unknown>).set("default", [{ provider: "open", model: "*" }]);
    expect(resolveModel(withStar, "llama-3.3-70b", "openai-chat")).toEqual({
      route: "default",
      targets: [{ provider: "open", model: "llama-3.3-70b", upstreamModel: "llama-3.3-70b" }],
    });
  });

  it("falls back to the default route, and says so clearly when there is none", () => {
    expect(resolveModel(table(), "whatever", "gemini").route).toBe("default");
    const noDefault = table();
    (noDefault.routes as Map<string, unknown>).delete("default");
    expect(() => resolveModel(noDefault, "whatever", "gemini")).toThrow(
      /no route or provider serves model "whatever"/,
    );
  });
});
