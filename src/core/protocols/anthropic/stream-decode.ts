import { LlmuxError } from "../../model/errors.js";
import type { StreamEvent } from "../../model/events.js";
import { isJsonObject, type JsonObject } from "../../model/json.js";
import type { CoreContext } from "../../model/protocol.js";
import { emptyUsage, type Usage } from "../../model/usage.js";
import type { SseFrame } from "../../sse/frame.js";
import { PayloadReader } from "../../sse/payload-reader.js";
import type { StreamDecoder } from "../adapter.js";
import { decodeAnthropicErrorPayload } from "./errors.js";
import { decodeStopReason } from "./finish.js";
import { createdNow } from "./response.js";
import { mergeAnthropicUsage } from "./usage.js";

type BlockKind = "text" | "thinking" | "redacted" | "tool" | "ignored";

/** One open upstream block: its canonical index and what it collects. */
interface OpenBlock {
  kind: BlockKind;
  index: number;
  signature: string;
  /** Tool blocks: whether any argument text was emitted, and input given whole at start. */
  sawArguments: boolean;
  startInput: string | undefined;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/**
 * The Messages stream as canonical events, frame by frame. Anthropic block indexes map to fresh
 * canonical indexes; blocks with no canonical form (server tools, MCP, `fallback` ...) are
 * skipped with their deltas. A second `message_start` for the same message is ignored; one for a
 * different message (a spliced retry) fails the stream rather than mixing two answers.
 */
export class AnthropicStreamDecoder implements StreamDecoder {
  private readonly blocks = new Map<number, OpenBlock>();
  private readonly payloads = new PayloadReader();
  private nextIndex = 0;
  private messageId: string | undefined;
  private started = false;
  private done = false;
  private usage: Usage = emptyUsage();
  private stopReason: string | undefined;
  private stopSequence: string | undefined;

  constructor(
    private readonly context: CoreContext,
    private readonly emit: (event: StreamEvent) => void,
  ) {}

  push(frame: SseFrame): void {
    if (this.done) return;
    const parsed = this.payloads.read(frame.data);
    if (!parsed.ok || !isJsonObject(parsed.value)) {
      if (frame.event === "ping" || frame.data.trim() === "") return;
      this.fail(
        new LlmuxError(
          "upstream_error",
          `upstream sent an unreadable stream event: ${parsed.ok ? "not an object" : parsed.error}`,
        ),
      );
      return;
    }
    const payload = parsed.value;
    const type = stringOf(payload.type) ?? frame.event;
    switch (type) {
      case "message_start":
        this.onMessageStart(payload);
        break;
      case "content_block_start":
        this.onBlockStart(payload);
        break;
      case "content_block_delta":
        this.onBlockDelta(payload);
        break;
      case "content_block_stop":
        this.onBlockStop(payload);
        break;
      case "message_delta":
        this.onMessageDelta(payload);
        break;
      case "message_stop":
        this.finish();
        break;
      case "error":
        this.fail(decodeAnthropicErrorPayload(200, payload));
        break;
      default:
        // ping and event types this decoder does not know
        break;
    }
  }

  end(): void {
    if (this.done) return;
    if (this.stopReason !== undefined) {
      this.finish();
      return;
    }
    this.fail(new LlmuxError("upstream_incomplete", "upstream stream ended before the message was complete"));
  }

  private fail(error: LlmuxError): void {
    this.done = true;
    this.emit({ type: "error", error: error.toData() });
  }

  private emitStart(id?: string, model?: string): void {
    if (this.started) return;
    this.started = true;
    this.messageId = id;
    this.emit({
      type: "response-start",
      id: id ?? this.context.newId("msg_"),
      model: model ?? "",
      created: createdNow(this.context),
    });
  }

  private onMessageStart(payload: JsonObject): void {
    const message = isJsonObject(payload.message) ? payload.message : {};
    const id = stringOf(message.id);
    if (this.started) {
      if (id === undefined || id === this.messageId) return;
      this.fail(
        new LlmuxError("upstream_error", `upstream started message ${id} inside message ${this.messageId}`),
      );
      return;
    }
    this.emitStart(id, stringOf(message.model));
    if (isJsonObject(message.usage)) {
      this.usage = mergeAnthropicUsage(this.usage, message.usage);
      this.emit({ type: "usage", usage: this.usage });
    }
  }

  private onBlockStart(payload: JsonObject): void {
    this.emitStart();
    const wireIndex = typeof payload.index === "number" ? payload.index : -1;
    const block = isJsonObject(payload.content_block) ? payload.content_block : {};
    const previous = this.blocks.get(wireIndex);
    if (previous !== undefined) this.close(wireIndex, previous);
    const open: OpenBlock = {
      kind: "ignored",
      index: -1,
      signature: "",
      sawArguments: false,
      startInput: undefined,
    };
    switch (block.type) {
      case "text":
        open.kind = "text";
        break;
      case "thinking":
        open.kind = "thinking";
        open.signature = stringOf(block.signature) ?? "";
        break;
      case "redacted_thinking":
        open.kind = "redacted";
        break;
      case "tool_use":
        open.kind = "tool";
        if (isJsonObject(block.input) && Object.keys(block.input).length > 0) {
          open.startInput = JSON.stringify(block.input);
        }
        break;
      default:
        break;
    }
    this.blocks.set(wireIndex, open);
    if (open.kind === "ignored") return;
    open.index = this.nextIndex++;
    const index = open.index;
    switch (open.kind) {
      case "text": {
        this.emit({ type: "text-start", index });
        const text = stringOf(block.text);
        if (text !== undefined && text !== "") this.emit({ type: "text-delta", index, text });
        break;
      }
      case "thinking": {
        this.emit({ type: "reasoning-start", index });
        const text = stringOf(block.thinking);
        if (text !== undefined && text !== "") this.emit({ type: "reasoning-delta", index, text });
        break;
      }
      case "redacted":
        this.emit({ type: "reasoning-start", index, redactedData: stringOf(block.data) ?? "" });
        break;
      case "tool":
        this.emit({
          type: "tool-call-start",
          index,
          id: stringOf(block.id) ?? this.context.newId("toolu_"),
          name: stringOf(block.name) ?? "",
        });
        break;
    }
  }

  private onBlockDelta(payload: JsonObject): void {
    const open = typeof payload.index === "number" ? this.blocks.get(payload.index) : undefined;
    const delta = payload.delta;
    if (open === undefined || open.kind === "ignored" || !isJsonObject(delta)) return;
    const index = open.index;
    switch (delta.type) {
      case "text_delta": {
        const text = stringOf(delta.text);
        if (open.kind === "text" && text !== undefined && text !== "")
          this.emit({ type: "text-delta", index, text });
        break;
      }
      case "thinking_delta": {
        const text = stringOf(delta.thinking);
        if (open.kind === "thinking" && text !== undefined && text !== "") {
          this.emit({ type: "reasoning-delta", index, text });
        }
        break;
      }
      case "signature_delta":
        if (open.kind === "thinking") open.signature += stringOf(delta.signature) ?? "";
        break;
      case "input_json_delta": {
        const text = stringOf(delta.partial_json);
        if (open.kind === "tool" && text !== undefined && text !== "") {
          open.sawArguments = true;
          this.emit({ type: "tool-call-delta", index, arguments: text });
        }
        break;
      }
      default:
        // citations_delta and unknown delta types: nothing canonical to carry
        break;
    }
  }

  private onBlockStop(payload: JsonObject): void {
    const wireIndex = typeof payload.index === "number" ? payload.index : -1;
    const open = this.blocks.get(wireIndex);
    if (open !== undefined) this.close(wireIndex, open);
  }

  private close(wireIndex: number, open: OpenBlock): void {
    this.blocks.delete(wireIndex);
    const index = open.index;
    switch (open.kind) {
      case "text":
        this.emit({ type: "text-end", index });
        break;
      case "thinking":
        this.emit(
          open.signature === ""
            ? { type: "reasoning-end", index }
            : { type: "reasoning-end", index, signature: { origin: "anthropic", value: open.signature } },
        );
        break;
      case "redacted":
        this.emit({ type: "reasoning-end", index });
        break;
      case "tool":
        if (!open.sawArguments)
          this.emit({ type: "tool-call-delta", index, arguments: open.startInput ?? "{}" });
        this.emit({ type: "tool-call-end", index });
        break;
      case "ignored":
        break;
    }
  }

  private onMessageDelta(payload: JsonObject): void {
    this.emitStart();
    const delta = isJsonObject(payload.delta) ? payload.delta : {};
    const stopReason = stringOf(delta.stop_reason);
    if (stopReason !== undefined) this.stopReason = stopReason;
    const stopSequence = stringOf(delta.stop_sequence);
    if (stopSequence !== undefined) this.stopSequence = stopSequence;
    if (isJsonObject(payload.usage)) {
      this.usage = mergeAnthropicUsage(this.usage, payload.usage);
      this.emit({ type: "usage", usage: this.usage });
    }
  }

  private finish(): void {
    this.emitStart();
    for (const [wireIndex, open] of this.blocks) this.close(wireIndex, open);
    this.done = true;
    const event: StreamEvent = { type: "finish", reason: decodeStopReason(this.stopReason) };
    if (this.stopSequence !== undefined) event.stopSequence = this.stopSequence;
    this.emit(event);
  }
}

export function createAnthropicStreamDecoder(
  context: CoreContext,
  emit: (event: StreamEvent) => void,
): StreamDecoder {
  return new AnthropicStreamDecoder(context, emit);
}
