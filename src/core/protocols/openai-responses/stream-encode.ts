import type { LlmuxErrorData } from "../../model/errors.js";
import type { StreamEvent } from "../../model/events.js";
import type { FinishReason } from "../../model/finish.js";
import type { JsonObject, JsonValue } from "../../model/json.js";
import type { Signature } from "../../model/parts.js";
import { assertNever, type CoreContext } from "../../model/protocol.js";
import type { Usage } from "../../model/usage.js";
import { encodeSseEvent } from "../../sse/encoder.js";
import type { StreamEncodeOptions, StreamEncoder } from "../adapter.js";
import { openAiErrorType } from "../openai-chat/errors.js";
import { renderResponsesStreamError } from "./errors.js";
import { encodeFinishReason } from "./finish.js";
import {
  customToolCallItem,
  functionCallItem,
  messageItem,
  outputTextPart,
  type ResponseObjectFields,
  reasoningItem,
  refusalPart,
  responseObject,
} from "./output-items.js";
import { carryReasoning } from "./reasoning-carry.js";
import { encodeResponsesUsage } from "./usage.js";

interface ReasoningState {
  outputIndex: number;
  id: string;
  itemId: string | undefined;
  redactedData: string | undefined;
  summaries: string[];
  /** The summary part being streamed, if one is open. */
  current: string | undefined;
  /** Its delta events up to the delta text (see `deltaHead`). */
  deltaHead: string;
}

type OpenBlock =
  | { kind: "text"; outputIndex: number; id: string; text: string; refusal: boolean; deltaHead: string }
  | { kind: "reasoning"; state: ReasoningState }
  | {
      kind: "call";
      outputIndex: number;
      id: string;
      callId: string;
      name: string;
      custom: boolean;
      args: string;
      deltaHead: string;
    };

/** The `event:` line and `data:` up to the first field after `type`, for an event of this type. */
function eventHead(type: string): string {
  return `event: ${type}\ndata: {"type":"${type}",`;
}

/**
 * A delta event of one part up to its text: `{"type", "item_id", "output_index", [position],
 * "delta":`, rendered once per part so that each delta costs one string of its own text.
 */
function deltaHead(type: string, itemId: string, outputIndex: number, position: string): string {
  return `${eventHead(type)}"item_id":${JSON.stringify(itemId)},"output_index":${outputIndex},${position}"delta":`;
}

/** What follows a delta's text: the sequence number, after `logprobs` for output text. */
const SEQUENCE = ',"sequence_number":';
const LOGPROBS_SEQUENCE = ',"logprobs":[],"sequence_number":';

/**
 * Canonical events as the Responses event stream the official SDK's `responses.stream()`
 * accumulates: response.created, response.in_progress, then per block an output item
 * (message / reasoning / function_call / custom_tool_call) with its part and delta events, and
 * finally response.completed or response.incomplete carrying the whole response. Every event
 * has a `sequence_number`; frames are written as soon as the event that carries them arrives.
 */
class ResponsesStreamEncoder implements StreamEncoder {
  private sequence = 0;
  private started = false;
  private closed = false;
  private responseId = "";
  private createdAt = 0;
  private readonly output: JsonValue[] = [];
  private readonly blocks = new Map<number, OpenBlock>();
  /** A reasoning item whose last block ended without an artifact: the next block may continue it. */
  private pending: ReasoningState | undefined;
  private usage: Usage | undefined;

  constructor(
    private readonly options: StreamEncodeOptions,
    private readonly context: CoreContext,
    private readonly write: (text: string) => void,
  ) {}

  private send(type: string, fields: JsonObject): void {
    this.write(encodeSseEvent(type, { type, ...fields, sequence_number: this.sequence++ }));
  }

  /** A delta event: its rendered head, the text, then `tail` and the sequence number. */
  private sendDelta(head: string, text: string, tail: string): void {
    this.write(`${head}${JSON.stringify(text)}${tail}${this.sequence++}}\n\n`);
  }

  private response(
    status: ResponseObjectFields["status"],
    details: Pick<ResponseObjectFields, "incompleteDetails" | "error"> = {},
  ): JsonObject {
    return responseObject({
      ...details,
      id: this.responseId,
      model: this.options.model,
      createdAt: this.createdAt,
      status,
      output: status === "in_progress" ? [] : this.output,
      usage: this.usage === undefined ? null : encodeResponsesUsage(this.usage),
    });
  }

  /**
   * response.created and response.in_progress go out with the first event after response-start:
   * they carry no content, and an upstream error that comes before any content can then still
   * be failed over by the host, since no byte has reached the client.
   */
  private start(): void {
    if (this.started) return;
    this.started = true;
    if (this.responseId === "") this.responseId = this.context.newId("resp_");
    if (this.createdAt === 0) this.createdAt = Math.floor(this.context.now() / 1000);
    // Both events carry the same response: it is rendered once.
    const response = JSON.stringify(this.response("in_progress"));
    for (const type of ["response.created", "response.in_progress"]) {
      this.write(`${eventHead(type)}"response":${response},"sequence_number":${this.sequence++}}\n\n`);
    }
  }

  push(event: StreamEvent): void {
    if (this.closed) return;
    if (event.type === "response-start") {
      if (!this.started) {
        this.responseId = event.id;
        this.createdAt = event.created;
      }
      return;
    }
    if (event.type === "usage") {
      this.usage = event.usage;
      return;
    }
    this.start();
    if (this.pending !== undefined && !this.continuesPending(event)) this.closePending();
    switch (event.type) {
      case "text-start":
        this.openText(event.index, event.refusal === true);
        break;
      case "text-delta":
        this.textDelta(event.index, event.text);
        break;
      case "text-end":
        this.closeText(event.index);
        break;
      case "reasoning-start":
        this.openReasoning(event.index, event.itemId, event.redactedData);
        break;
      case "reasoning-delta":
        this.reasoningDelta(event.index, event.text);
        break;
      case "reasoning-end":
        this.closeReasoning(event.index, event.signature);
        break;
      case "tool-call-start":
        this.openCall(event.index, event.id, event.name, event.kind === "custom");
        break;
      case "tool-call-delta":
        this.callDelta(event.index, event.arguments);
        break;
      case "tool-call-end":
        this.closeCall(event.index);
        break;
      case "finish":
        this.finish(event.reason);
        break;
      case "error":
        this.fail(event.error);
        break;
      default:
        assertNever(event, "stream event");
    }
  }

  end(): void {
    if (this.closed) return;
    this.start();
    this.closeEverything();
    this.closed = true;
    this.send("response.incomplete", { response: this.response("incomplete") });
  }

  // Text: one message item with one output_text part per block (a refusal part for a refusal).

  private openText(index: number, refusal: boolean): OpenBlock & { kind: "text" } {
    const id = this.context.newId("msg_");
    const outputIndex = this.output.length;
    const item = messageItem(id, [], "in_progress");
    this.output.push(item);
    this.send("response.output_item.added", { output_index: outputIndex, item });
    this.send("response.content_part.added", {
      item_id: id,
      output_index: outputIndex,
      content_index: 0,
      part: refusal ? refusalPart("") : outputTextPart(""),
    });
    const type = refusal ? "response.refusal.delta" : "response.output_text.delta";
    const head = deltaHead(type, id, outputIndex, '"content_index":0,');
    const block: OpenBlock = { kind: "text", outputIndex, id, text: "", refusal, deltaHead: head };
    this.blocks.set(index, block);
    return block;
  }

  private textDelta(index: number, text: string): void {
    const open = this.blocks.get(index);
    const block = open?.kind === "text" ? open : open === undefined ? this.openText(index, false) : undefined;
    if (block === undefined) return;
    block.text += text;
    this.sendDelta(block.deltaHead, text, block.refusal ? SEQUENCE : LOGPROBS_SEQUENCE);
  }

  private closeText(index: number): void {
    const block = this.blocks.get(index);
    if (block?.kind !== "text") return;
    this.blocks.delete(index);
    const where = { item_id: block.id, output_index: block.outputIndex, content_index: 0 };
    const part = block.refusal ? refusalPart(block.text) : outputTextPart(block.text);
    if (block.refusal) this.send("response.refusal.done", { ...where, refusal: block.text });
    else this.send("response.output_text.done", { ...where, text: block.text, logprobs: [] });
    this.send("response.content_part.done", { ...where, part });
    const item = messageItem(block.id, [part], "completed");
    this.output[block.outputIndex] = item;
    this.send("response.output_item.done", { output_index: block.outputIndex, item });
  }

  // Reasoning: a reasoning item, one summary part per block; the artifact in encrypted_content.

  private continuesPending(event: StreamEvent): boolean {
    return (
      event.type === "reasoning-start" &&
      event.redactedData === undefined &&
      event.itemId === this.pending?.itemId
    );
  }

  private openReasoning(
    index: number,
    itemId: string | undefined,
    redactedData: string | undefined,
  ): ReasoningState {
    let state = this.pending;
    this.pending = undefined;
    if (state === undefined) {
      const id = itemId ?? this.context.newId("rs_");
      const outputIndex = this.output.length;
      state = { outputIndex, id, itemId, redactedData, summaries: [], current: undefined, deltaHead: "" };
      const item = reasoningItem(id, [], undefined);
      this.output.push(item);
      this.send("response.output_item.added", { output_index: outputIndex, item });
    }
    this.blocks.set(index, { kind: "reasoning", state });
    return state;
  }

  private reasoningDelta(index: number, text: string): void {
    const open = this.blocks.get(index);
    const state =
      open?.kind === "reasoning"
        ? open.state
        : open === undefined
          ? this.openReasoning(index, undefined, undefined)
          : undefined;
    if (state === undefined) return;
    if (state.current === undefined) {
      state.current = "";
      const summaryIndex = state.summaries.length;
      this.send("response.reasoning_summary_part.added", {
        item_id: state.id,
        output_index: state.outputIndex,
        summary_index: summaryIndex,
        part: { type: "summary_text", text: "" },
      });
      state.deltaHead = deltaHead(
        "response.reasoning_summary_text.delta",
        state.id,
        state.outputIndex,
        `"summary_index":${summaryIndex},`,
      );
    }
    state.current += text;
    this.sendDelta(state.deltaHead, text, SEQUENCE);
  }

  private closeReasoning(index: number, signature: Signature | undefined): void {
    const block = this.blocks.get(index);
    if (block?.kind !== "reasoning") return;
    this.blocks.delete(index);
    const state = block.state;
    if (state.current !== undefined) {
      const text = state.current;
      const where = {
        item_id: state.id,
        output_index: state.outputIndex,
        summary_index: state.summaries.length,
      };
      this.send("response.reasoning_summary_text.done", { ...where, text });
      this.send("response.reasoning_summary_part.done", { ...where, part: { type: "summary_text", text } });
      state.summaries.push(text);
      state.current = undefined;
    }
    const carried: { signature?: Signature; redactedData?: string } = {};
    if (signature !== undefined) carried.signature = signature;
    if (state.redactedData !== undefined) carried.redactedData = state.redactedData;
    const encrypted = carryReasoning(carried);
    if (encrypted === undefined) this.pending = state;
    else this.finishReasoningItem(state, encrypted);
  }

  private finishReasoningItem(state: ReasoningState, encrypted: string | undefined): void {
    const item = reasoningItem(state.id, state.summaries, encrypted);
    this.output[state.outputIndex] = item;
    this.send("response.output_item.done", { output_index: state.outputIndex, item });
  }

  private closePending(): void {
    const state = this.pending;
    if (state === undefined) return;
    this.pending = undefined;
    this.finishReasoningItem(state, undefined);
  }

  // Tool calls: function_call or custom_tool_call items with streamed arguments / input.

  private openCall(index: number, callId: string, name: string, custom: boolean): void {
    const id = this.context.newId(custom ? "ctc_" : "fc_");
    const outputIndex = this.output.length;
    const item = custom
      ? customToolCallItem(id, callId, name, "", "in_progress")
      : functionCallItem(id, callId, name, "", "in_progress");
    this.output.push(item);
    this.send("response.output_item.added", { output_index: outputIndex, item });
    const type = custom ? "response.custom_tool_call_input.delta" : "response.function_call_arguments.delta";
    const head = deltaHead(type, id, outputIndex, "");
    this.blocks.set(index, {
      kind: "call",
      outputIndex,
      id,
      callId,
      name,
      custom,
      args: "",
      deltaHead: head,
    });
  }

  private callDelta(index: number, text: string): void {
    const block = this.blocks.get(index);
    if (block?.kind !== "call" || text === "") return;
    block.args += text;
    this.sendDelta(block.deltaHead, text, SEQUENCE);
  }

  private closeCall(index: number): void {
    const block = this.blocks.get(index);
    if (block?.kind !== "call") return;
    this.blocks.delete(index);
    const where = { item_id: block.id, output_index: block.outputIndex };
    let item: JsonObject;
    if (block.custom) {
      this.send("response.custom_tool_call_input.done", { ...where, input: block.args });
      item = customToolCallItem(block.id, block.callId, block.name, block.args, "completed");
    } else {
      const args = block.args === "" ? "{}" : block.args;
      this.send("response.function_call_arguments.done", { ...where, name: block.name, arguments: args });
      item = functionCallItem(block.id, block.callId, block.name, args, "completed");
    }
    this.output[block.outputIndex] = item;
    this.send("response.output_item.done", { output_index: block.outputIndex, item });
  }

  // Terminal events.

  private closeEverything(): void {
    this.closePending();
    const open = [...this.blocks.entries()].sort(([a], [b]) => a - b);
    for (const [index, block] of open) {
      if (block.kind === "text") this.closeText(index);
      else if (block.kind === "call") this.closeCall(index);
      else this.closeReasoning(index, undefined);
    }
    this.closePending();
  }

  private finish(reason: FinishReason): void {
    this.closeEverything();
    this.closed = true;
    const finish = encodeFinishReason(reason);
    this.send(finish.terminalEvent, {
      response: this.response(finish.status, { incompleteDetails: finish.incompleteDetails }),
    });
  }

  private fail(error: LlmuxErrorData): void {
    this.closePending();
    this.closed = true;
    this.write(renderResponsesStreamError(error, this.sequence++));
    const code = error.upstreamType ?? openAiErrorType(error.code);
    this.send("response.failed", {
      response: this.response("failed", { error: { code, message: error.message } }),
    });
  }
}

export function createResponsesStreamEncoder(
  options: StreamEncodeOptions,
  context: CoreContext,
  write: (text: string) => void,
): StreamEncoder {
  return new ResponsesStreamEncoder(options, context, write);
}
