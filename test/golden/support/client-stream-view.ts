import { expect } from "vitest";
import type { JsonObject } from "../../../src/core/model/json.js";
import { assertNever, type Protocol } from "../../../src/core/model/protocol.js";
import type { ResponseView } from "./client-response-view.js";
import { argumentsValue, objectOf, objectsOf, stringOf } from "./json-access.js";
import { payloadsOf } from "./run-response.js";

/**
 * A client-facing stream read the way a client library accumulates it (independently of the
 * adapters), into the same view as a body: text, reasoning, calls by index, finish, usage.
 */

interface CallBuilder {
  id: string | undefined;
  name: string;
  args: string;
}

function finishCalls(calls: Iterable<CallBuilder>): ResponseView["calls"] {
  return [...calls].map((call) => ({
    id: call.id,
    name: call.name,
    args: argumentsValue(call.args),
    rawArgs: call.args,
  }));
}

function chatStream(sse: string): ResponseView {
  const view: ResponseView = { text: "", reasoning: "", calls: [], finish: {}, usage: {} };
  const calls = new Map<number, CallBuilder>();
  let refusal = "";
  for (const { data } of payloadsOf(sse)) {
    const usage = objectOf(data.usage);
    if (usage !== undefined) view.usage = usage;
    const choice = objectsOf(data.choices)[0];
    if (choice === undefined) continue;
    const delta = objectOf(choice.delta) ?? {};
    view.text += stringOf(delta.content) ?? "";
    refusal += stringOf(delta.refusal) ?? "";
    view.reasoning += stringOf(delta.reasoning_content) ?? "";
    for (const call of objectsOf(delta.tool_calls)) {
      const index = typeof call.index === "number" ? call.index : -1;
      const fn = objectOf(call.function) ?? {};
      const id = stringOf(call.id);
      let builder = calls.get(index);
      if (builder === undefined || (id !== undefined && id !== builder.id)) {
        builder = { id, name: stringOf(fn.name) ?? "", args: "" };
        calls.set(index, builder);
      }
      builder.args += stringOf(fn.arguments) ?? "";
    }
    if (choice.finish_reason !== null && choice.finish_reason !== undefined)
      view.finish.finish_reason = choice.finish_reason;
  }
  view.text += refusal;
  if (refusal !== "") view.finish.refusal = refusal;
  view.calls = finishCalls(calls.values());
  return view;
}

function responsesStream(sse: string): ResponseView {
  const view: ResponseView = { text: "", reasoning: "", calls: [], finish: {}, usage: {} };
  const calls = new Map<string, CallBuilder & { at: number }>();
  let refusal = "";
  for (const { data } of payloadsOf(sse)) {
    const itemId = stringOf(data.item_id) ?? "";
    switch (data.type) {
      case "response.output_text.delta":
        view.text += stringOf(data.delta) ?? "";
        break;
      case "response.refusal.delta":
        view.text += stringOf(data.delta) ?? "";
        refusal += stringOf(data.delta) ?? "";
        break;
      case "response.reasoning_summary_text.delta":
        view.reasoning += stringOf(data.delta) ?? "";
        break;
      case "response.output_item.added": {
        const item = objectOf(data.item) ?? {};
        if (item.type === "function_call") {
          const at = typeof data.output_index === "number" ? data.output_index : 0;
          calls.set(stringOf(item.id) ?? "", {
            id: stringOf(item.call_id),
            name: stringOf(item.name) ?? "",
            args: "",
            at,
          });
        }
        break;
      }
      case "response.function_call_arguments.delta": {
        const call = calls.get(itemId);
        if (call !== undefined) call.args += stringOf(data.delta) ?? "";
        break;
      }
      case "response.function_call_arguments.done":
        expect(calls.get(itemId)?.args, "arguments.done repeats the deltas").toBe(stringOf(data.arguments));
        break;
      case "response.completed":
      case "response.incomplete": {
        const response = objectOf(data.response) ?? {};
        view.finish = {
          status: response.status ?? null,
          incomplete_details: response.incomplete_details ?? null,
        };
        view.usage = objectOf(response.usage) ?? {};
        break;
      }
      default:
        break;
    }
  }
  view.calls = finishCalls([...calls.values()].sort((a, b) => a.at - b.at));
  if (refusal !== "") view.finish.refusal = refusal;
  return view;
}

function anthropicStream(sse: string): ResponseView {
  const view: ResponseView = { text: "", reasoning: "", calls: [], finish: {}, usage: {} };
  const calls = new Map<number, CallBuilder>();
  for (const { data } of payloadsOf(sse)) {
    const index = typeof data.index === "number" ? data.index : -1;
    if (data.type === "message_start") view.usage = { ...objectOf(objectOf(data.message)?.usage) };
    else if (data.type === "content_block_start") {
      const block = objectOf(data.content_block) ?? {};
      if (block.type === "tool_use")
        calls.set(index, { id: stringOf(block.id), name: stringOf(block.name) ?? "", args: "" });
    } else if (data.type === "content_block_delta") {
      const delta = objectOf(data.delta) ?? {};
      view.text += stringOf(delta.text) ?? "";
      view.reasoning += stringOf(delta.thinking) ?? "";
      const call = calls.get(index);
      if (call !== undefined) call.args += stringOf(delta.partial_json) ?? "";
    } else if (data.type === "message_delta") {
      const delta = objectOf(data.delta) ?? {};
      view.finish = { stop_reason: delta.stop_reason ?? null, stop_sequence: delta.stop_sequence ?? null };
      Object.assign(view.usage, objectOf(data.usage));
    }
  }
  view.calls = finishCalls(calls.values()).map((call) => ({ ...call, rawArgs: undefined }));
  return view;
}

function geminiStream(sse: string): ResponseView {
  const view: ResponseView = { text: "", reasoning: "", calls: [], finish: {}, usage: {} };
  for (const { data } of payloadsOf(sse)) {
    const candidate: JsonObject = objectsOf(data.candidates)[0] ?? {};
    for (const part of objectsOf(objectOf(candidate.content)?.parts)) {
      const call = objectOf(part.functionCall);
      if (call !== undefined) {
        view.calls.push({
          id: stringOf(call.id),
          name: stringOf(call.name) ?? "",
          args: call.args ?? {},
          rawArgs: undefined,
        });
      } else if (part.thought === true) view.reasoning += stringOf(part.text) ?? "";
      else view.text += stringOf(part.text) ?? "";
    }
    if (candidate.finishReason !== undefined) view.finish = { finishReason: candidate.finishReason };
    const usage = objectOf(data.usageMetadata);
    if (usage !== undefined) view.usage = usage;
  }
  return view;
}

export function readStreamView(protocol: Protocol, sse: string): ResponseView {
  switch (protocol) {
    case "openai-chat":
      return chatStream(sse);
    case "openai-responses":
      return responsesStream(sse);
    case "anthropic":
      return anthropicStream(sse);
    case "gemini":
      return geminiStream(sse);
    default:
      return assertNever(protocol, "protocol");
  }
}
