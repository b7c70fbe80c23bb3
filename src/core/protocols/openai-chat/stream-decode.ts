import { LlmuxError, type LlmuxErrorData } from "../../model/errors.js";
import type { StreamEvent } from "../../model/events.js";
import { isJsonObject, type JsonObject } from "../../model/json.js";
import type { Signature } from "../../model/parts.js";
import type { CoreContext } from "../../model/protocol.js";
import type { SseFrame } from "../../sse/frame.js";
import { PayloadReader } from "../../sse/payload-reader.js";
import type { StreamDecoder } from "../adapter.js";
import { decodeOpenAiChatStreamError } from "./errors.js";
import { decodeFinishReason } from "./finish.js";
import { decodeReasoningDetails, readReasoningText } from "./reasoning-details.js";
import { PARALLEL_WRAPPER_NAME, unwrapParallelCalls } from "./tool-calls.js";
import { decodeChatUsage } from "./usage.js";

/** The key of a legacy `function_call` stream among the tool-call wire indexes. */
const LEGACY_FUNCTION_KEY = -1;

type BlockKind = "text" | "refusal" | "reasoning";

interface ToolCallState {
  id: string;
  name: string;
  custom: boolean;
  /** Block index; -1 while a `multi_tool_use.parallel` wrapper is buffered. */
  index: number;
  argumentsSent: boolean;
  closed: boolean;
  /** Arguments of a parallel wrapper, unwrapped when the call ends. */
  buffer?: string;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function fragmentText(value: unknown): string {
  if (typeof value === "string") return value;
  return isJsonObject(value) ? JSON.stringify(value) : "";
}

/**
 * Chat Completions chunks -> canonical events, one frame at a time. Text and reasoning deltas
 * leave with the chunk that carried them (a `refusal` delta as a text block marked as a refusal);
 * tool-call fragments are routed by `tool_calls[].index`, so interleaved calls all stay open until
 * the finish, text or reasoning after them, or a new id at their index (which is a new call).
 * The finish reason is held until `[DONE]` or the end of the stream, so `finish` follows the
 * last usage chunk.
 */
export class ChatStreamDecoder implements StreamDecoder {
  private readonly context: CoreContext;
  private readonly emit: (event: StreamEvent) => void;
  private readonly payloads = new PayloadReader();
  private started = false;
  private done = false;
  private nextIndex = 0;
  /** The open text-like block: a refusal is a text block of its own, marked as such. */
  private openKind: BlockKind | undefined;
  private openIndex = -1;
  private pendingSignature: Signature | undefined;
  /** Tool calls by wire index (`tool_calls[].index`); the latest call at each index. */
  private readonly tools = new Map<number, ToolCallState>();
  /** Calls not yet closed, in the order they started: interleaved fragments keep them all open. */
  private readonly openTools: ToolCallState[] = [];
  /** The last call started: a fragment without an index continues it. */
  private lastTool: ToolCallState | undefined;
  private anonymousKey = -2;
  private finishWire: string | undefined;
  private sawToolCalls = false;
  private sawRefusal = false;

  constructor(context: CoreContext, emit: (event: StreamEvent) => void) {
    this.context = context;
    this.emit = emit;
  }

  push(frame: SseFrame): void {
    if (this.done) return;
    const data = frame.data.trim();
    if (data === "") return;
    if (data === "[DONE]") {
      this.finalize(true);
      return;
    }
    const parsed = this.payloads.read(data);
    if (!parsed.ok || !isJsonObject(parsed.value)) {
      this.fail(
        new LlmuxError("upstream_error", "upstream sent a stream chunk that is not a JSON object").toData(),
      );
      return;
    }
    const chunk = parsed.value;
    if (frame.event === "error" || isJsonObject(chunk.error)) {
      this.pushUsage(chunk);
      this.fail(decodeOpenAiChatStreamError(chunk));
      return;
    }
    const choices = chunk.choices;
    if (Array.isArray(choices)) {
      for (const choice of choices) {
        if (isJsonObject(choice) && (choice.index ?? 0) === 0) this.pushChoice(chunk, choice);
      }
    }
    this.pushUsage(chunk);
  }

  end(): void {
    if (!this.done) this.finalize(false);
  }

  private start(chunk: JsonObject | undefined): void {
    if (this.started) return;
    this.started = true;
    const created = chunk?.created;
    this.emit({
      type: "response-start",
      id: nonEmptyString(chunk?.id) ?? this.context.newId("chatcmpl-"),
      model: nonEmptyString(chunk?.model) ?? "",
      created: typeof created === "number" && created > 0 ? created : Math.floor(this.context.now() / 1000),
    });
  }

  private pushUsage(chunk: JsonObject): void {
    const usage = decodeChatUsage(chunk.usage);
    if (usage === undefined) return;
    this.start(chunk);
    this.emit({ type: "usage", usage });
  }

  private pushChoice(chunk: JsonObject, choice: JsonObject): void {
    this.start(chunk);
    const delta = choice.delta;
    if (isJsonObject(delta)) this.pushDelta(delta);
    const reason = nonEmptyString(choice.finish_reason);
    if (reason !== undefined) this.finishWire = reason;
  }

  private pushDelta(delta: JsonObject): void {
    const details = decodeReasoningDetails(delta.reasoning_details);
    const reasoning = readReasoningText(delta) ?? details?.text;
    if (reasoning !== undefined && reasoning !== "") this.appendBlock("reasoning", reasoning);
    if (details?.textSignature !== undefined) {
      if (this.openKind !== "reasoning") this.openBlock("reasoning");
      this.pendingSignature = details.textSignature;
    }
    for (const signature of details?.encrypted ?? []) {
      this.closeAll();
      const index = this.nextIndex++;
      this.emit({ type: "reasoning-start", index });
      this.emit({ type: "reasoning-end", index, signature });
    }
    const content = delta.content;
    if (typeof content === "string" && content !== "") this.appendBlock("text", content);
    const refusal = delta.refusal;
    if (typeof refusal === "string" && refusal !== "") {
      this.sawRefusal = true;
      this.appendBlock("refusal", refusal);
    }
    const calls = delta.tool_calls;
    if (Array.isArray(calls)) {
      for (const call of calls) if (isJsonObject(call)) this.pushToolFragment(call);
    }
    if (isJsonObject(delta.function_call)) {
      this.pushToolFragment({ index: LEGACY_FUNCTION_KEY, function: delta.function_call });
    }
  }

  private openBlock(kind: BlockKind): void {
    this.closeAll();
    this.openKind = kind;
    const index = this.nextIndex++;
    this.openIndex = index;
    this.emit(
      kind === "reasoning"
        ? { type: "reasoning-start", index }
        : kind === "refusal"
          ? { type: "text-start", index, refusal: true }
          : { type: "text-start", index },
    );
  }

  private appendBlock(kind: BlockKind, text: string): void {
    if (this.openKind !== kind) this.openBlock(kind);
    const index = this.openIndex;
    this.emit(
      kind === "reasoning" ? { type: "reasoning-delta", index, text } : { type: "text-delta", index, text },
    );
  }

  private pushToolFragment(call: JsonObject): void {
    const id = nonEmptyString(call.id);
    let key = typeof call.index === "number" ? call.index : undefined;
    let state = key === undefined ? this.lastTool : this.tools.get(key);
    const custom = call.type === "custom" || (state?.custom === true && call.type === undefined);
    const body = custom ? call.custom : call.function;
    const fragment = isJsonObject(body) ? body : {};
    if (state === undefined || (id !== undefined && id !== state.id)) {
      // A new id at a known index is a new call: the old one at that index is over.
      if (state !== undefined && !state.closed) this.closeTool(state);
      key ??= this.anonymousKey--;
      state = this.startToolCall(key, id ?? this.context.newId("call_"), fragment, custom);
    }
    const text = fragmentText(custom ? fragment.input : fragment.arguments);
    if (text === "" || state.closed) return;
    state.argumentsSent = true;
    if (state.buffer !== undefined) state.buffer += text;
    else this.emit({ type: "tool-call-delta", index: state.index, arguments: text });
  }

  private startToolCall(key: number, id: string, fragment: JsonObject, custom: boolean): ToolCallState {
    this.closeTextOrReasoning();
    this.sawToolCalls = true;
    const name = nonEmptyString(fragment.name) ?? "";
    const state: ToolCallState = { id, name, custom, index: -1, argumentsSent: false, closed: false };
    if (name === PARALLEL_WRAPPER_NAME && !custom) state.buffer = "";
    else {
      state.index = this.nextIndex++;
      const start: StreamEvent = { type: "tool-call-start", index: state.index, id, name };
      if (custom) start.kind = "custom";
      this.emit(start);
    }
    this.tools.set(key, state);
    this.openTools.push(state);
    this.lastTool = state;
    return state;
  }

  private closeTool(state: ToolCallState): void {
    state.closed = true;
    const position = this.openTools.indexOf(state);
    if (position >= 0) this.openTools.splice(position, 1);
    if (state.buffer !== undefined) {
      const inner = unwrapParallelCalls(state.id, state.buffer);
      const calls = inner ?? [{ type: "tool-call", id: state.id, name: state.name, arguments: state.buffer }];
      for (const call of calls) {
        const index = this.nextIndex++;
        this.emit({ type: "tool-call-start", index, id: call.id, name: call.name });
        this.emit({
          type: "tool-call-delta",
          index,
          arguments: call.arguments === "" ? "{}" : call.arguments,
        });
        this.emit({ type: "tool-call-end", index });
      }
      return;
    }
    if (!state.argumentsSent && !state.custom) {
      this.emit({ type: "tool-call-delta", index: state.index, arguments: "{}" });
    }
    this.emit({ type: "tool-call-end", index: state.index });
  }

  private closeTextOrReasoning(): void {
    if (this.openKind === "text" || this.openKind === "refusal")
      this.emit({ type: "text-end", index: this.openIndex });
    else if (this.openKind === "reasoning") {
      const end: StreamEvent = { type: "reasoning-end", index: this.openIndex };
      if (this.pendingSignature !== undefined) end.signature = this.pendingSignature;
      this.pendingSignature = undefined;
      this.emit(end);
    }
    this.openKind = undefined;
  }

  /** Close the open text or reasoning block and every open tool call, in the order they started. */
  private closeAll(): void {
    this.closeTextOrReasoning();
    for (const tool of [...this.openTools]) this.closeTool(tool);
    this.lastTool = undefined;
  }

  private finalize(sawDone: boolean): void {
    if (this.finishWire === undefined && (!sawDone || this.nextIndex === 0)) {
      const why = sawDone ? "ended without any output" : "closed before its end marker and finish reason";
      this.fail(new LlmuxError("upstream_incomplete", `upstream stream ${why}`).toData());
      return;
    }
    this.start(undefined);
    this.closeAll();
    let reason = decodeFinishReason(this.finishWire ?? "stop", this.sawToolCalls);
    if (this.sawRefusal && reason === "stop") reason = "refusal";
    this.done = true;
    this.emit({ type: "finish", reason });
  }

  private fail(error: LlmuxErrorData): void {
    this.done = true;
    this.emit({ type: "error", error });
  }
}

export function createChatStreamDecoder(
  context: CoreContext,
  emit: (event: StreamEvent) => void,
): StreamDecoder {
  return new ChatStreamDecoder(context, emit);
}
