import { LlmuxError, type LlmuxErrorData } from "../../model/errors.js";
import type { StreamEvent } from "../../model/events.js";
import type { FinishReason } from "../../model/finish.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../../model/json.js";
import type { Signature } from "../../model/parts.js";
import { assertNever, type CoreContext } from "../../model/protocol.js";
import type { Usage } from "../../model/usage.js";
import { decodeGeminiErrorPayload } from "./errors.js";
import { decodeFinishReason } from "./finish.js";
import { PartialArgsWriter } from "./partial-args.js";
import { decodeSignature } from "./signatures.js";
import { decodeGeminiUsage, sameUsage } from "./usage.js";

type OpenBlock =
  | { kind: "text"; index: number; signature: Signature | undefined }
  | { kind: "reasoning"; index: number; signature: Signature | undefined }
  | { kind: "tool"; index: number; writer: PartialArgsWriter | undefined; wroteArguments: boolean };

export interface EventDecoderOptions {
  /**
   * The input is a whole response (generateContent), not a stream: a missing finishReason
   * then means a normal stop instead of a cut-off stream.
   */
  complete?: boolean;
}

/** Unix seconds of a `createTime` (RFC 3339), when there is one. */
function createdSeconds(value: JsonValue | undefined): number | undefined {
  if (typeof value !== "string") return undefined;
  const millis = Date.parse(value);
  return Number.isFinite(millis) ? Math.floor(millis / 1000) : undefined;
}

function candidateOf(chunk: JsonObject): JsonObject | undefined {
  const candidates = chunk.candidates;
  if (!Array.isArray(candidates)) return undefined;
  for (const candidate of candidates) {
    if (isJsonObject(candidate) && (candidate.index === undefined || candidate.index === 0)) return candidate;
  }
  return undefined;
}

/**
 * The one state machine from Gemini `GenerateContentResponse` objects to canonical events,
 * used for streams (one object per SSE chunk) and whole responses (one object) alike, so
 * the two can never disagree.
 *
 * - Consecutive text parts extend one text block, consecutive thought parts one reasoning
 *   block; a part of another kind closes the block.
 * - A `thoughtSignature` on a thought part signs that reasoning block. On a text part (or a
 *   signature-only `{"text":""}` part) it becomes a thinking part with empty text right
 *   after the text block, so a signature is never lost and returns to the same place.
 * - Each `functionCall` is one tool-call block. A whole call's `args` becomes one delta;
 *   streamed calls (`willContinue`, `partialArgs`) become deltas as their pieces arrive.
 * - The finish reason is held until `end()`, after every block has closed.
 */
export class GeminiEventDecoder {
  /** Part kinds that have no canonical event (executableCode, inlineData output ...). */
  readonly ignoredParts = new Set<string>();
  /** More than one candidate was offered; only the first is decoded. */
  extraCandidates = false;
  private readonly context: CoreContext;
  private readonly emit: (event: StreamEvent) => void;
  private readonly complete: boolean;
  private started = false;
  private done = false;
  private nextIndex = 0;
  private open: OpenBlock | undefined;
  private sawToolCall = false;
  private finishReason: string | undefined;
  private blocked = false;
  private lastUsage: Usage | undefined;

  constructor(context: CoreContext, emit: (event: StreamEvent) => void, options: EventDecoderOptions = {}) {
    this.context = context;
    this.emit = emit;
    this.complete = options.complete === true;
  }

  /** One `GenerateContentResponse` (or an `{error}` payload). */
  push(chunk: JsonObject): void {
    if (this.done) return;
    if (isJsonObject(chunk.error)) {
      this.fail(decodeGeminiErrorPayload(200, chunk).toData());
      return;
    }
    this.start(chunk);
    const candidates = chunk.candidates;
    if (Array.isArray(candidates) && candidates.length > 1) this.extraCandidates = true;
    const candidate = candidateOf(chunk);
    const content = candidate?.content;
    if (isJsonObject(content) && Array.isArray(content.parts)) {
      for (const part of content.parts) if (isJsonObject(part)) this.part(part);
    }
    if (typeof candidate?.finishReason === "string") this.finishReason = candidate.finishReason;
    const feedback = chunk.promptFeedback;
    if (isJsonObject(feedback) && typeof feedback.blockReason === "string") this.blocked = true;
    const usage = decodeGeminiUsage(chunk.usageMetadata);
    if (usage !== undefined && (this.lastUsage === undefined || !sameUsage(usage, this.lastUsage))) {
      this.lastUsage = usage;
      this.emit({ type: "usage", usage: { ...usage } });
    }
  }

  /** The input ended: close blocks and finish, or report a stream cut short. */
  end(): void {
    if (this.done) return;
    this.done = true;
    if (!this.started) {
      this.emit({
        type: "error",
        error: new LlmuxError(
          "upstream_incomplete",
          "upstream closed the stream before any response",
        ).toData(),
      });
      return;
    }
    let reason: FinishReason;
    if (this.finishReason !== undefined) reason = decodeFinishReason(this.finishReason, this.sawToolCall);
    else if (this.blocked) reason = "content-filter";
    else if (this.complete) reason = this.sawToolCall ? "tool-calls" : "stop";
    else {
      this.emit({
        type: "error",
        error: new LlmuxError(
          "upstream_incomplete",
          "upstream closed the stream without a finish reason",
        ).toData(),
      });
      return;
    }
    this.close();
    this.emit({ type: "finish", reason });
  }

  /** An error that ends the stream; open blocks stay open (their content is incomplete). */
  fail(error: LlmuxErrorData): void {
    if (this.done) return;
    this.done = true;
    this.emit({ type: "error", error });
  }

  private start(chunk: JsonObject): void {
    if (this.started) return;
    this.started = true;
    const id = typeof chunk.responseId === "string" && chunk.responseId !== "" ? chunk.responseId : undefined;
    const model =
      typeof chunk.modelVersion === "string" && chunk.modelVersion !== "" ? chunk.modelVersion : undefined;
    this.emit({
      type: "response-start",
      id: id ?? this.context.newId("resp_"),
      model: model ?? "unknown",
      created: createdSeconds(chunk.createTime) ?? Math.floor(this.context.now() / 1000),
    });
  }

  private part(part: JsonObject): void {
    const signature = decodeSignature(part.thoughtSignature);
    if (isJsonObject(part.functionCall)) this.functionCall(part.functionCall, signature);
    else if (typeof part.text === "string") {
      if (part.thought === true) this.thought(part.text, signature);
      else this.text(part.text, signature);
    } else {
      const kind = Object.keys(part).find((key) => key !== "thought" && key !== "thoughtSignature");
      if (kind !== undefined) this.ignoredParts.add(kind);
      if (signature !== undefined) this.text("", signature);
    }
  }

  private thought(text: string, signature: Signature | undefined): void {
    let block = this.open;
    if (block?.kind !== "reasoning" || (signature !== undefined && block.signature !== undefined)) {
      this.close();
      block = { kind: "reasoning", index: this.nextIndex++, signature: undefined };
      this.open = block;
      this.emit({ type: "reasoning-start", index: block.index });
    }
    if (text !== "") this.emit({ type: "reasoning-delta", index: block.index, text });
    if (signature !== undefined) block.signature = signature;
  }

  private text(text: string, signature: Signature | undefined): void {
    let block = this.open;
    if (text === "") {
      if (signature === undefined) return;
      if (block?.kind === "text" && block.signature === undefined) {
        block.signature = signature;
        return;
      }
      this.close();
      this.signatureBlock(signature);
      return;
    }
    if (block?.kind !== "text" || (signature !== undefined && block.signature !== undefined)) {
      this.close();
      block = { kind: "text", index: this.nextIndex++, signature: undefined };
      this.open = block;
      this.emit({ type: "text-start", index: block.index });
    }
    this.emit({ type: "text-delta", index: block.index, text });
    if (signature !== undefined) block.signature = signature;
  }

  private functionCall(call: JsonObject, signature: Signature | undefined): void {
    const name = typeof call.name === "string" && call.name !== "" ? call.name : undefined;
    let block = this.open;
    if (name !== undefined) {
      this.close();
      const id = typeof call.id === "string" && call.id !== "" ? call.id : this.context.newId("call_");
      block = { kind: "tool", index: this.nextIndex++, writer: undefined, wroteArguments: false };
      this.open = block;
      this.sawToolCall = true;
      const start: StreamEvent = { type: "tool-call-start", index: block.index, id, name };
      if (signature !== undefined) start.signature = signature;
      this.emit(start);
    } else if (block?.kind !== "tool") {
      return;
    }
    if (isJsonObject(call.args) && !block.wroteArguments && block.writer === undefined) {
      block.wroteArguments = true;
      this.emit({ type: "tool-call-delta", index: block.index, arguments: JSON.stringify(call.args) });
    }
    const partials = call.partialArgs;
    if (Array.isArray(partials) && partials.length > 0 && !block.wroteArguments) {
      block.writer ??= new PartialArgsWriter();
      let text = "";
      for (const partial of partials) text += block.writer.apply(partial);
      if (text !== "") this.emit({ type: "tool-call-delta", index: block.index, arguments: text });
    }
    if (call.willContinue !== true) this.close();
  }

  /** A thinking part that is only a signature (its text was empty or belongs to a text part). */
  private signatureBlock(signature: Signature): void {
    const index = this.nextIndex++;
    this.emit({ type: "reasoning-start", index });
    this.emit({ type: "reasoning-end", index, signature });
  }

  private close(): void {
    const block = this.open;
    if (block === undefined) return;
    this.open = undefined;
    switch (block.kind) {
      case "text":
        this.emit({ type: "text-end", index: block.index });
        if (block.signature !== undefined) this.signatureBlock(block.signature);
        break;
      case "reasoning": {
        const end: StreamEvent = { type: "reasoning-end", index: block.index };
        if (block.signature !== undefined) end.signature = block.signature;
        this.emit(end);
        break;
      }
      case "tool": {
        const tail = block.writer !== undefined ? block.writer.finish() : block.wroteArguments ? "" : "{}";
        if (tail !== "") this.emit({ type: "tool-call-delta", index: block.index, arguments: tail });
        this.emit({ type: "tool-call-end", index: block.index });
        break;
      }
      default:
        assertNever(block, "open block");
    }
  }
}
