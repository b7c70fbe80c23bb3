import type { StreamEvent } from "../../model/events.js";
import type { JsonObject } from "../../model/json.js";
import type { ToolCallPart } from "../../model/parts.js";
import { assertNever, type CoreContext } from "../../model/protocol.js";
import { carrySignature } from "../../model/reasoning-carry.js";
import type { Usage } from "../../model/usage.js";
import type { StreamEncodeOptions, StreamEncoder } from "../adapter.js";
import { renderGeminiStreamError } from "./errors.js";
import { encodeFinishReason } from "./finish.js";
import { argumentsObject } from "./parts-encode.js";
import { createTimeOf } from "./response.js";
import { geminiSignature } from "./signatures.js";
import { encodeGeminiUsage } from "./usage.js";
import { WarningSink } from "./warnings.js";

/**
 * Canonical events -> `streamGenerateContent?alt=sse` chunks, each a whole
 * GenerateContentResponse (`candidates[0].content {role: "model", parts}`, `modelVersion`,
 * `responseId`, the latest `usageMetadata`) framed as `data: ...\r\n\r\n`.
 * Text and reasoning deltas leave at once; a tool call is held until its end because
 * Gemini clients read `functionCall.args` as a whole object, and calls are written in the order
 * they started (an ended call waits for every earlier one), as in a non-stream body. The last chunk carries the
 * finishReason. Every chunk has at least one non-empty part, so `@google/genai` chats keep
 * the turn in their history.
 */
export function createGeminiStreamEncoder(
  options: StreamEncodeOptions,
  context: CoreContext,
  write: (text: string) => void,
): StreamEncoder {
  let responseId: string | undefined;
  let createTime: string | undefined;
  let usage: Usage | undefined;
  /** `,"usageMetadata":{...}` as rendered for the latest usage; undefined until needed again. */
  let usageText: string | undefined = "";
  /** The chunk's fields after `candidates` and `usageMetadata`, rendered once they are known. */
  let tailText: string | undefined;
  let finished = false;
  let closed = false;
  /** Calls in the order they started; an ended call waits until every earlier one is written. */
  const calls = new Map<number, { call: ToolCallPart; ended: boolean }>();
  const reasoningWithText = new Set<number>();
  /** A foreign signature, enveloped, waiting for the next function call (where Gemini clients keep it). */
  let carried: string | undefined;
  const warnings = new WarningSink();

  /** One chunk; `parts` is the JSON text of the parts array. Fields keep the order Gemini uses. */
  const writeChunk = (parts: string, finishReason?: string): void => {
    if (tailText === undefined) {
      responseId ??= context.newId("resp_");
      const created = createTime === undefined ? "" : `,"createTime":${JSON.stringify(createTime)}`;
      tailText = `,"modelVersion":${JSON.stringify(options.model)}${created},"responseId":${JSON.stringify(responseId)}}`;
    }
    usageText ??= usage === undefined ? "" : `,"usageMetadata":${JSON.stringify(encodeGeminiUsage(usage))}`;
    const finish = finishReason === undefined ? "" : `,"finishReason":${JSON.stringify(finishReason)}`;
    write(
      `data: {"candidates":[{"content":{"role":"model","parts":${parts}},"index":0${finish}}]${usageText}${tailText}\r\n\r\n`,
    );
  };

  const writeCall = (call: ToolCallPart): void => {
    const part: JsonObject = {
      functionCall: { id: call.id, name: call.name, args: argumentsObject(call, warnings) },
    };
    const signature = geminiSignature(call.signature) ?? carried;
    if (signature !== undefined) part.thoughtSignature = signature;
    if (signature === carried) carried = undefined;
    writeChunk(JSON.stringify([part]));
  };

  /** Write the ended calls at the front of the start order. */
  const writeEndedCalls = (): void => {
    for (const [index, pending] of calls) {
      if (!pending.ended) return;
      calls.delete(index);
      writeCall(pending.call);
    }
  };

  const finish = (finishReason: string): void => {
    for (const pending of calls.values()) writeCall(pending.call);
    calls.clear();
    writeChunk(
      carried === undefined ? '[{"text":""}]' : `[{"text":"","thoughtSignature":${JSON.stringify(carried)}}]`,
      finishReason,
    );
    finished = true;
  };

  return {
    push(event: StreamEvent): void {
      if (closed || finished) return;
      switch (event.type) {
        case "response-start":
          if (event.id !== "") responseId ??= event.id;
          createTime ??= createTimeOf(event.created);
          tailText = undefined;
          break;
        case "text-delta":
          if (event.text !== "") writeChunk(`[{"text":${JSON.stringify(event.text)}}]`);
          break;
        case "reasoning-delta":
          if (event.text !== "") {
            reasoningWithText.add(event.index);
            writeChunk(`[{"text":${JSON.stringify(event.text)},"thought":true}]`);
          }
          break;
        case "reasoning-end": {
          const signature = geminiSignature(event.signature);
          const hadText = reasoningWithText.delete(event.index);
          if (signature === undefined && event.signature !== undefined) {
            carried = carrySignature(event.signature, "gemini");
            break;
          }
          if (signature === undefined) break;
          const thought = hadText ? ',"thought":true' : "";
          writeChunk(`[{"text":""${thought},"thoughtSignature":${JSON.stringify(signature)}}]`);
          break;
        }
        case "tool-call-start": {
          const call: ToolCallPart = { type: "tool-call", id: event.id, name: event.name, arguments: "" };
          if (event.kind !== undefined) call.kind = event.kind;
          if (event.signature !== undefined) call.signature = event.signature;
          calls.set(event.index, { call, ended: false });
          break;
        }
        case "tool-call-delta": {
          const pending = calls.get(event.index);
          if (pending !== undefined) pending.call.arguments += event.arguments;
          break;
        }
        case "tool-call-end": {
          const pending = calls.get(event.index);
          if (pending === undefined) break;
          pending.ended = true;
          writeEndedCalls();
          break;
        }
        case "usage":
          usage = event.usage;
          usageText = undefined;
          break;
        case "finish":
          finish(encodeFinishReason(event.reason));
          break;
        case "error":
          write(renderGeminiStreamError(event.error));
          closed = true;
          break;
        case "text-start":
        case "text-end":
        case "reasoning-start":
          break;
        default:
          assertNever(event, "stream event");
      }
    },
    end(): void {
      if (closed) return;
      closed = true;
      if (finished) return;
      // The upstream never said how the turn ended: calls still open are incomplete and are not sent.
      for (const pending of calls.values()) if (pending.ended) writeCall(pending.call);
      calls.clear();
      finish("OTHER");
    },
  };
}
