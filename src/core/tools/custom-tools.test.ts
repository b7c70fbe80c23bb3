import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../model/events.js";
import {
  createCustomCallRestorer,
  customToolAsFunction,
  customToolInput,
  restoreCustomCalls,
} from "./custom-tools.js";

const PATCH = '*** Begin Patch\n*** Add File: a.txt\n+"quoted"\n*** End Patch\n';

describe("custom tools toward function-only upstreams", () => {
  it("offers apply_patch as a function with one string field and its grammar in the description", () => {
    const tool = customToolAsFunction({
      kind: "custom",
      name: "apply_patch",
      description: "Edit files.",
      format: { type: "grammar", syntax: "lark", definition: "start: begin_patch hunk+ end_patch" },
    });
    expect(tool.name).toBe("apply_patch");
    expect(tool.parameters).toEqual({
      type: "object",
      properties: { input: { type: "string", description: "The tool's free-form input." } },
      required: ["input"],
      additionalProperties: false,
    });
    expect(tool.description).toContain("Edit files.");
    expect(tool.description).toContain("lark grammar:\nstart: begin_patch hunk+ end_patch");
  });

  it("reads the free-form input back out of the function arguments", () => {
    expect(customToolInput(JSON.stringify({ input: PATCH }))).toBe(PATCH);
    expect(customToolInput(JSON.stringify({ patch: PATCH }))).toBe(PATCH);
    expect(customToolInput("not json")).toBe("not json");
  });

  it("restores whole calls and leaves other tools' calls alone", () => {
    const content = restoreCustomCalls(
      [
        { type: "tool-call", id: "c1", name: "apply_patch", arguments: JSON.stringify({ input: PATCH }) },
        { type: "tool-call", id: "c2", name: "exec", arguments: '{"cmd":"ls"}' },
      ],
      ["apply_patch"],
    );
    expect(content).toEqual([
      { type: "tool-call", id: "c1", name: "apply_patch", arguments: PATCH, kind: "custom" },
      { type: "tool-call", id: "c2", name: "exec", arguments: '{"cmd":"ls"}' },
    ]);
  });

  it("restores streamed calls: custom start, the JSON held, the input as one delta at the end", () => {
    const out: StreamEvent[] = [];
    const push = createCustomCallRestorer(["apply_patch"], (event) => out.push(event));
    const json = JSON.stringify({ input: PATCH });
    push({ type: "tool-call-start", index: 0, id: "c1", name: "apply_patch" });
    push({ type: "tool-call-delta", index: 0, arguments: json.slice(0, 7) });
    push({ type: "tool-call-start", index: 1, id: "c2", name: "exec" });
    push({ type: "tool-call-delta", index: 1, arguments: "{}" });
    push({ type: "tool-call-delta", index: 0, arguments: json.slice(7) });
    push({ type: "tool-call-end", index: 0 });
    push({ type: "tool-call-end", index: 1 });
    expect(out).toEqual([
      { type: "tool-call-start", index: 0, id: "c1", name: "apply_patch", kind: "custom" },
      { type: "tool-call-start", index: 1, id: "c2", name: "exec" },
      { type: "tool-call-delta", index: 1, arguments: "{}" },
      { type: "tool-call-delta", index: 0, arguments: PATCH },
      { type: "tool-call-end", index: 0 },
      { type: "tool-call-end", index: 1 },
    ]);
  });

  it("passes calls that are already custom (a Chat or Responses upstream) straight through", () => {
    const out: StreamEvent[] = [];
    const push = createCustomCallRestorer(["apply_patch"], (event) => out.push(event));
    const events: StreamEvent[] = [
      { type: "tool-call-start", index: 0, id: "c1", name: "apply_patch", kind: "custom" },
      { type: "tool-call-delta", index: 0, arguments: PATCH },
      { type: "tool-call-end", index: 0 },
    ];
    for (const event of events) push(event);
    expect(out).toEqual(events);
  });
});
