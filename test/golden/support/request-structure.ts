import { expect } from "vitest";
import type { JsonObject } from "../../../src/core/model/json.js";
import { assertNever, type Protocol } from "../../../src/core/model/protocol.js";
import { parseJsonText } from "./golden-files.js";
import { objectOf, objectsOf, stringOf } from "./json-access.js";

/** Arguments text sent upstream: a JSON object, `"{}"` for a call without arguments, never `""`. */
function expectArgumentsObject(text: string | undefined, where: string): void {
  expect(text, `${where}: arguments text`).toBeTypeOf("string");
  const value = parseJsonText(text ?? "");
  expect(typeof value === "object" && value !== null && !Array.isArray(value), `${where}: an object`).toBe(
    true,
  );
}

function checkChat(body: JsonObject): void {
  const messages = objectsOf(body.messages);
  messages.forEach((message, index) => {
    for (const part of objectsOf(message.content)) {
      if (part.type === "text") expect(stringOf(part.text)?.trim(), "no blank text part").not.toBe("");
    }
    const calls = objectsOf(message.tool_calls);
    for (const call of calls)
      expectArgumentsObject(stringOf(objectOf(call.function)?.arguments), "chat call");
    if (calls.length === 0) return;
    // The tool messages answering these calls come right after the assistant message.
    const answers = messages.slice(index + 1, index + 1 + calls.length);
    expect(
      answers.map((answer) => answer.role),
      "tool messages follow the calls",
    ).toEqual(calls.map(() => "tool"));
    expect(new Set(answers.map((answer) => answer.tool_call_id))).toEqual(
      new Set(calls.map((call) => call.id)),
    );
  });
}

function checkResponses(body: JsonObject): void {
  const items = objectsOf(body.input);
  items.forEach((item, index) => {
    for (const part of objectsOf(item.content)) {
      const text = stringOf(part.text);
      if (text !== undefined) expect(text.trim(), "no blank text part").not.toBe("");
    }
    if (item.type !== "function_call") return;
    expectArgumentsObject(stringOf(item.arguments), "responses function_call");
    const outputs = items.slice(index + 1).filter((later) => later.call_id === item.call_id);
    expect(
      outputs.map((output) => output.type),
      `one output for ${String(item.call_id)}`,
    ).toEqual(["function_call_output"]);
  });
}

function checkAnthropic(body: JsonObject): void {
  const messages = objectsOf(body.messages);
  messages.forEach((message, index) => {
    const blocks = objectsOf(message.content);
    for (const block of blocks) {
      if (block.type === "text") expect(stringOf(block.text)?.trim(), "no blank text block").not.toBe("");
      for (const inner of objectsOf(block.content)) {
        if (inner.type === "text")
          expect(stringOf(inner.text)?.trim(), "no blank text in a result").not.toBe("");
      }
      const source = objectOf(block.source);
      if (source?.type === "base64") expect(stringOf(source.data)?.startsWith("data:")).toBe(false);
    }
    const uses = blocks.filter((block) => block.type === "tool_use");
    if (message.role !== "assistant" || uses.length === 0) return;
    // Every tool_use is answered by exactly one tool_result at the start of the very next user message.
    const next = messages[index + 1];
    expect(next?.role, "a user message follows the tool calls").toBe("user");
    const nextBlocks = objectsOf(next?.content);
    const results = nextBlocks.slice(0, uses.length);
    expect(results.map((block) => block.type)).toEqual(uses.map(() => "tool_result"));
    expect(results.map((block) => block.tool_use_id)).toEqual(uses.map((block) => block.id));
    expect(nextBlocks.slice(uses.length).some((block) => block.type === "tool_result")).toBe(false);
  });
  const thinking = objectOf(body.thinking);
  if (thinking?.type === "disabled")
    expect(objectOf(body.output_config)?.effort, "no effort with thinking off").toBeUndefined();
}

function checkGemini(body: JsonObject): void {
  const contents = objectsOf(body.contents);
  const first = contents[0];
  expect(
    first?.role === "model" && objectsOf(first.parts).some((part) => part.functionCall !== undefined),
    "history never opens with a model call",
  ).toBe(false);
  contents.forEach((content, index) => {
    expect(["user", "model"], "roles are user and model").toContain(content.role);
    const parts = objectsOf(content.parts);
    for (const part of parts) {
      const text = stringOf(part.text);
      if (text !== undefined && part.thoughtSignature === undefined)
        expect(text.trim(), "no blank text part").not.toBe("");
      const inline =
        objectOf(part.inlineData) ??
        objectOf(objectsOf(objectOf(part.functionResponse)?.parts)[0]?.inlineData);
      if (inline !== undefined)
        expect(stringOf(inline.data)?.startsWith("data:"), "no data: prefix in inlineData").toBe(false);
    }
    const hasResponses = parts.some((part) => part.functionResponse !== undefined);
    if (hasResponses)
      expect(
        parts.some((part) => part.text !== undefined),
        "results never share a turn with human text",
      ).toBe(false);
    const calls = parts.filter((part) => part.functionCall !== undefined);
    if (content.role !== "model" || calls.length === 0) return;
    // All results of one model turn's calls arrive together in the next user turn.
    const answers = objectsOf(contents[index + 1]?.parts).filter(
      (part) => part.functionResponse !== undefined,
    );
    expect(
      answers.map((part) => objectOf(part.functionResponse)?.name),
      "all results in one user turn",
    ).toEqual(calls.map((part) => objectOf(part.functionCall)?.name));
  });
  const generation = objectOf(body.generationConfig);
  const declares = objectsOf(body.tools).some((tool) => tool.functionDeclarations !== undefined);
  if (declares)
    expect(generation?.responseMimeType, "never tools with a JSON mime type").not.toBe("application/json");
  const thinking = objectOf(generation?.thinkingConfig);
  if (thinking !== undefined) {
    expect(
      thinking.thinkingLevel !== undefined && thinking.thinkingBudget !== undefined,
      "never level and budget",
    ).toBe(false);
  }
}

/** Protocol rules every encoded upstream request must follow, whatever the case. */
export function checkStructure(protocol: Protocol, body: JsonObject): void {
  switch (protocol) {
    case "openai-chat":
      checkChat(body);
      return;
    case "openai-responses":
      checkResponses(body);
      return;
    case "anthropic":
      checkAnthropic(body);
      return;
    case "gemini":
      checkGemini(body);
      return;
    default:
      assertNever(protocol, "protocol");
  }
}
