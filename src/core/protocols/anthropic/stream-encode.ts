import type { StreamEvent } from "../../model/events.js";
import type { FinishReason } from "../../model/finish.js";
import type { JsonObject } from "../../model/json.js";
import { assertNever, type CoreContext } from "../../model/protocol.js";
import { carrySignature } from "../../model/reasoning-carry.js";
import { emptyUsage, type Usage } from "../../model/usage.js";
import { encodeSseEvent } from "../../sse/encoder.js";
import type { StreamEncodeOptions, StreamEncoder } from "../adapter.js";
import { renderAnthropicStreamError } from "./errors.js";
import { encodeStopReason } from "./finish.js";
import { encodeAnthropicUsage } from "./usage.js";

type BlockKind = "text" | "thinking" | "redacted" | "tool" | "custom-tool";

/** A canonical block and the wire block it is written to (`wireIndex` -1: not opened yet). */
interface Block {
  kind: BlockKind;
  wireIndex: number;
  /** Custom (free-form) tool input is wrapped as `{"input": "..."}`: whether the prefix went out. */
  wrapped: boolean;
}

function deltaFrame(wireIndex: number, delta: string): string {
  return `event: content_block_delta\ndata: {"type":"content_block_delta","index":${wireIndex},"delta":${delta}}\n\n`;
}

/** The canonical block an event belongs to, if any. */
function blockIndexOf(event: StreamEvent): number | undefined {
  return "index" in event ? event.index : undefined;
}

function isToolBlock(block: Block | undefined): boolean {
  return block?.kind === "tool" || block?.kind === "custom-tool";
}

/**
 * Canonical events as a Messages stream. Wire blocks are written one at a time with consecutive
 * indexes from 0, whatever the canonical indexes. A tool_use block cannot be split, so while one
 * is open every other block's events are held (per block, in the order the blocks started) and
 * written when it ends: interleaved tool calls arrive whole, one after the other, and nothing is
 * dropped. Otherwise a block starting while another is open closes it first, and text that
 * continues after that goes into a new text block. Text and thinking blocks open on their first
 * non-empty delta (or a thinking block on its Anthropic signature), so no empty block is sent.
 * `message_start` waits for the first event after `response-start` so it can carry usage
 * reported right away.
 */
export class AnthropicStreamEncoder implements StreamEncoder {
  private readonly blocks = new Map<number, Block>();
  private usage: Usage = emptyUsage();
  private responseId: string | undefined;
  private started = false;
  private current: Block | undefined;
  private nextWireIndex = 0;
  private sawToolCall = false;
  private closed = false;
  /** Events of blocks held while a tool_use block is open on the wire, in block start order. */
  private readonly held = new Map<number, StreamEvent[]>();

  constructor(
    private readonly options: StreamEncodeOptions,
    private readonly context: CoreContext,
    private readonly write: (text: string) => void,
  ) {}

  push(event: StreamEvent): void {
    if (this.closed) return;
    // The common case: nothing held and no tool_use block open, so nothing to hold or release.
    if (this.held.size === 0 && !isToolBlock(this.current)) {
      this.apply(event);
      return;
    }
    const index = blockIndexOf(event);
    if (index !== undefined && this.mustHold(index)) {
      const events = this.held.get(index);
      if (events === undefined) this.held.set(index, [event]);
      else events.push(event);
      return;
    }
    if (event.type === "finish" || event.type === "error") this.releaseHeld(true);
    this.apply(event);
    this.releaseHeld(false);
  }

  /** A block already held stays held; any other block waits while a tool_use block is open. */
  private mustHold(index: number): boolean {
    if (this.held.has(index)) return true;
    return isToolBlock(this.current) && this.blocks.get(index) !== this.current;
  }

  /** Replay held blocks in start order until one leaves a tool_use block open (`all`: every one). */
  private releaseHeld(all: boolean): void {
    for (const [index, events] of this.held) {
      if (!all && isToolBlock(this.current)) return;
      this.held.delete(index);
      for (const event of events) this.apply(event);
    }
  }

  private apply(event: StreamEvent): void {
    switch (event.type) {
      case "response-start":
        if (!this.started) this.responseId = event.id === "" ? undefined : event.id;
        break;
      case "usage":
        this.usage = event.usage;
        break;
      case "text-start":
        this.register(event.index, "text");
        break;
      case "text-delta":
        if (event.text === "") break;
        this.writeDelta(event.index, "text", `{"type":"text_delta","text":${JSON.stringify(event.text)}}`);
        break;
      case "text-end":
        this.endBlock(event.index);
        break;
      case "reasoning-start":
        if (event.redactedData === undefined) {
          this.register(event.index, "thinking");
        } else {
          this.open(this.register(event.index, "redacted"), {
            type: "redacted_thinking",
            data: event.redactedData,
          });
        }
        break;
      case "reasoning-delta":
        if (event.text === "") break;
        this.writeDelta(
          event.index,
          "thinking",
          `{"type":"thinking_delta","thinking":${JSON.stringify(event.text)}}`,
        );
        break;
      case "reasoning-end": {
        const block = this.blocks.get(event.index);
        if (block?.kind === "thinking" && event.signature !== undefined) {
          // thinking shown as omitted has no text, only its signature: the block opens here.
          // A foreign signature rides in an envelope the client replays (core/model/reasoning-carry.ts).
          if (block !== this.current) this.open(block, { type: "thinking", thinking: "", signature: "" });
          const signature = JSON.stringify(carrySignature(event.signature, "anthropic"));
          this.write(deltaFrame(block.wireIndex, `{"type":"signature_delta","signature":${signature}}`));
        }
        this.endBlock(event.index);
        break;
      }
      case "tool-call-start": {
        const block = this.register(event.index, event.kind === "custom" ? "custom-tool" : "tool");
        this.sawToolCall = true;
        this.open(block, { type: "tool_use", id: event.id, name: event.name, input: {} });
        break;
      }
      case "tool-call-delta":
        this.writeToolDelta(event.index, event.arguments);
        break;
      case "tool-call-end": {
        const block = this.blocks.get(event.index);
        if (block?.kind === "custom-tool" && block === this.current) {
          this.write(deltaFrame(block.wireIndex, this.jsonDelta(block.wrapped ? '"}' : '{"input":""}')));
        }
        this.endBlock(event.index);
        break;
      }
      case "finish":
        this.finish(event.reason, event.stopSequence);
        break;
      case "error":
        this.closed = true;
        this.write(renderAnthropicStreamError(event.error));
        break;
      default:
        assertNever(event, "stream event");
    }
  }

  end(): void {
    if (!this.closed) this.finish("stop", undefined);
  }

  private ensureStarted(): void {
    if (this.started) return;
    this.started = true;
    const usage = encodeAnthropicUsage(this.usage);
    const message: JsonObject = {
      id: this.responseId ?? this.context.newId("msg_"),
      type: "message",
      role: "assistant",
      model: this.options.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage,
    };
    this.write(encodeSseEvent("message_start", { type: "message_start", message }));
  }

  private register(index: number, kind: BlockKind): Block {
    const block: Block = { kind, wireIndex: -1, wrapped: false };
    this.blocks.set(index, block);
    return block;
  }

  /** Start `block` on the wire as the only open block. */
  private open(block: Block, contentBlock: JsonObject): void {
    this.ensureStarted();
    this.closeCurrent();
    block.wireIndex = this.nextWireIndex++;
    this.current = block;
    this.write(
      encodeSseEvent("content_block_start", {
        type: "content_block_start",
        index: block.wireIndex,
        content_block: contentBlock,
      }),
    );
  }

  private closeCurrent(): void {
    const current = this.current;
    if (current === undefined) return;
    this.current = undefined;
    this.write(
      `event: content_block_stop\ndata: {"type":"content_block_stop","index":${current.wireIndex}}\n\n`,
    );
  }

  /** Text or thinking delta; a block not open on the wire (new, or closed by another) opens anew. */
  private writeDelta(index: number, kind: "text" | "thinking", delta: string): void {
    let block = this.blocks.get(index);
    if (block === undefined || (block.kind !== kind && block.wireIndex === -1))
      block = this.register(index, kind);
    if (block.kind !== kind) return;
    if (block !== this.current) {
      this.open(
        block,
        kind === "text" ? { type: "text", text: "" } : { type: "thinking", thinking: "", signature: "" },
      );
    }
    this.write(deltaFrame(block.wireIndex, delta));
  }

  private writeToolDelta(index: number, text: string): void {
    const block = this.blocks.get(index);
    if (block === undefined || block !== this.current || text === "") return;
    if (block.kind === "tool") {
      this.write(deltaFrame(block.wireIndex, this.jsonDelta(text)));
    } else if (block.kind === "custom-tool") {
      const escaped = JSON.stringify(text).slice(1, -1);
      this.write(
        deltaFrame(block.wireIndex, this.jsonDelta(block.wrapped ? escaped : `{"input":"${escaped}`)),
      );
      block.wrapped = true;
    }
  }

  private jsonDelta(partial: string): string {
    return `{"type":"input_json_delta","partial_json":${JSON.stringify(partial)}}`;
  }

  private endBlock(index: number): void {
    const block = this.blocks.get(index);
    if (block === undefined) return;
    this.blocks.delete(index);
    if (block === this.current) this.closeCurrent();
  }

  private finish(reason: FinishReason, stopSequence: string | undefined): void {
    this.ensureStarted();
    this.closeCurrent();
    this.closed = true;
    const delta = {
      type: "message_delta",
      delta: { stop_reason: encodeStopReason(reason, this.sawToolCall), stop_sequence: stopSequence ?? null },
      usage: encodeAnthropicUsage(this.usage),
    };
    this.write(encodeSseEvent("message_delta", delta));
    this.write('event: message_stop\ndata: {"type":"message_stop"}\n\n');
  }
}

export function createAnthropicStreamEncoder(
  options: StreamEncodeOptions,
  context: CoreContext,
  write: (text: string) => void,
): StreamEncoder {
  return new AnthropicStreamEncoder(options, context, write);
}
