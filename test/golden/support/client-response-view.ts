import type { JsonObject } from "../../../src/core/model/json.js";
import { assertNever, type Protocol } from "../../../src/core/model/protocol.js";
import { argumentsValue, objectOf, objectsOf, stringOf } from "./json-access.js";

/**
 * A client-facing response body read the same way for every protocol (independently of the
 * adapters): the visible text, the reasoning text, the tool calls, the finish fields, usage.
 */
export interface ResponseView {
  text: string;
  reasoning: string;
  calls: { id: string | undefined; name: string; args: unknown; rawArgs: string | undefined }[];
  /** The protocol's own finish fields (finish_reason, status, stop_reason, finishReason ...). */
  finish: JsonObject;
  usage: JsonObject;
}

function chatView(body: JsonObject): ResponseView {
  const choice = objectsOf(body.choices)[0] ?? {};
  const message = objectOf(choice.message) ?? {};
  const calls = objectsOf(message.tool_calls).map((call) => {
    const fn = objectOf(call.function);
    const rawArgs = stringOf(fn?.arguments);
    return { id: stringOf(call.id), name: stringOf(fn?.name) ?? "", args: argumentsValue(rawArgs), rawArgs };
  });
  const finish: JsonObject = { finish_reason: choice.finish_reason ?? null };
  if (message.refusal !== undefined && message.refusal !== null) finish.refusal = message.refusal;
  return {
    text: (stringOf(message.content) ?? "") + (stringOf(message.refusal) ?? ""),
    reasoning: stringOf(message.reasoning_content) ?? "",
    calls,
    finish,
    usage: objectOf(body.usage) ?? {},
  };
}

function responsesView(body: JsonObject): ResponseView {
  const view: ResponseView = {
    text: "",
    reasoning: "",
    calls: [],
    finish: {},
    usage: objectOf(body.usage) ?? {},
  };
  let refusal = "";
  for (const item of objectsOf(body.output)) {
    if (item.type === "message") {
      for (const part of objectsOf(item.content)) {
        view.text += stringOf(part.text) ?? stringOf(part.refusal) ?? "";
        refusal += stringOf(part.refusal) ?? "";
      }
    } else if (item.type === "reasoning") {
      for (const part of objectsOf(item.summary)) view.reasoning += stringOf(part.text) ?? "";
    } else if (item.type === "function_call") {
      const rawArgs = stringOf(item.arguments);
      view.calls.push({
        id: stringOf(item.call_id),
        name: stringOf(item.name) ?? "",
        args: argumentsValue(rawArgs),
        rawArgs,
      });
    }
  }
  view.finish = { status: body.status ?? null, incomplete_details: body.incomplete_details ?? null };
  if (refusal !== "") view.finish.refusal = refusal;
  return view;
}

function anthropicView(body: JsonObject): ResponseView {
  const view: ResponseView = {
    text: "",
    reasoning: "",
    calls: [],
    finish: {},
    usage: objectOf(body.usage) ?? {},
  };
  for (const block of objectsOf(body.content)) {
    if (block.type === "text") view.text += stringOf(block.text) ?? "";
    else if (block.type === "thinking") view.reasoning += stringOf(block.thinking) ?? "";
    else if (block.type === "tool_use") {
      view.calls.push({
        id: stringOf(block.id),
        name: stringOf(block.name) ?? "",
        args: block.input,
        rawArgs: undefined,
      });
    }
  }
  view.finish = { stop_reason: body.stop_reason ?? null, stop_sequence: body.stop_sequence ?? null };
  return view;
}

function geminiView(body: JsonObject): ResponseView {
  const candidate = objectsOf(body.candidates)[0] ?? {};
  const view: ResponseView = {
    text: "",
    reasoning: "",
    calls: [],
    finish: {},
    usage: objectOf(body.usageMetadata) ?? {},
  };
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
  view.finish = { finishReason: candidate.finishReason ?? null };
  return view;
}

export function readResponseView(protocol: Protocol, body: JsonObject): ResponseView {
  switch (protocol) {
    case "openai-chat":
      return chatView(body);
    case "openai-responses":
      return responsesView(body);
    case "anthropic":
      return anthropicView(body);
    case "gemini":
      return geminiView(body);
    default:
      return assertNever(protocol, "protocol");
  }
}
