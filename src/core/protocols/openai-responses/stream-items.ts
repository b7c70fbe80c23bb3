import type { StreamEvent } from "../../model/events.js";
import type { JsonObject } from "../../model/json.js";
import { assertNever, type CoreContext } from "../../model/protocol.js";
import type { OutputFacts } from "./finish.js";
import { isParallelWrapperName, unwrapParallelCall } from "./parallel-unwrap.js";
import { uncarryReasoning } from "./reasoning-carry.js";
import { arrayAt, objectOf, stringAt } from "./wire.js";

interface Block {
  index: number;
  /** Characters already emitted as deltas; a done event supplies only what is missing. */
  emitted: number;
  open: boolean;
}

interface ReasoningBlock extends Block {
  /** Which text the block holds: summary n is n, raw content n is -1 - n; undefined until known. */
  key: number | undefined;
}

type ItemState =
  | { kind: "message"; done: boolean; parts: Map<number, Block> }
  | {
      kind: "reasoning";
      done: boolean;
      itemId: string | undefined;
      block: ReasoningBlock | undefined;
      any: boolean;
    }
  | { kind: "call"; done: boolean; block: Block }
  | { kind: "wrapper"; done: boolean; callId: string; name: string; args: string }
  | { kind: "ignored"; done: boolean };

/**
 * The per-output-item state of a Responses stream, keyed by `output_index` (item ids may
 * change between `added` and `done`). Each text part, reasoning text and tool call becomes one
 * canonical block, emitted as its frames arrive; `done` events fill in whatever no delta carried.
 */
export class StreamItems {
  private readonly items = new Map<number, ItemState>();
  private readonly positions = new Map<string, number>();
  private nextIndex = 0;

  constructor(
    private readonly context: CoreContext,
    private readonly emit: (event: StreamEvent) => void,
    readonly facts: OutputFacts,
  ) {}

  /** The output index an item id was announced at (ids are remembered as first seen). */
  positionOf(itemId: string | undefined): number | undefined {
    return itemId === undefined ? undefined : this.positions.get(itemId);
  }

  isDone(outputIndex: number): boolean {
    return this.items.get(outputIndex)?.done === true;
  }

  private open(): Block {
    return { index: this.nextIndex++, emitted: 0, open: true };
  }

  added(outputIndex: number, item: JsonObject): void {
    const id = stringAt(item, "id");
    if (id !== undefined && !this.positions.has(id)) this.positions.set(id, outputIndex);
    if (this.items.has(outputIndex)) return;
    const type = stringAt(item, "type");
    if (type === "message") {
      this.items.set(outputIndex, { kind: "message", done: false, parts: new Map() });
    } else if (type === "reasoning") {
      const state: ItemState = {
        kind: "reasoning",
        done: false,
        itemId: stringAt(item, "id"),
        block: undefined,
        any: false,
      };
      this.items.set(outputIndex, state);
      this.reasoningBlock(state, undefined);
    } else if (type === "function_call" || type === "custom_tool_call") {
      this.facts.sawToolCall = true;
      const custom = type === "custom_tool_call";
      const callId = stringAt(item, "call_id") ?? this.context.newId("call_");
      const name = stringAt(item, "name") ?? "";
      const initial = stringAt(item, custom ? "input" : "arguments") ?? "";
      if (!custom && isParallelWrapperName(name)) {
        this.items.set(outputIndex, { kind: "wrapper", done: false, callId, name, args: initial });
        return;
      }
      const block = this.open();
      this.items.set(outputIndex, { kind: "call", done: false, block });
      const start: StreamEvent = { type: "tool-call-start", index: block.index, id: callId, name };
      if (custom) start.kind = "custom";
      this.emit(start);
      if (initial !== "") this.callDelta(outputIndex, initial);
    } else {
      this.items.set(outputIndex, { kind: "ignored", done: false });
    }
  }

  // Message text (output_text and refusal parts).

  private messageState(outputIndex: number): Extract<ItemState, { kind: "message" }> | undefined {
    let state = this.items.get(outputIndex);
    if (state === undefined) {
      state = { kind: "message", done: false, parts: new Map() };
      this.items.set(outputIndex, state);
    }
    return state.kind === "message" && !state.done ? state : undefined;
  }

  /** The block of a text part, started on first sight; a refusal part's block is marked as one. */
  private textBlock(outputIndex: number, contentIndex: number, refusal: boolean): Block | undefined {
    const state = this.messageState(outputIndex);
    if (state === undefined) return undefined;
    let block = state.parts.get(contentIndex);
    if (block === undefined) {
      block = this.open();
      state.parts.set(contentIndex, block);
      this.emit(
        refusal
          ? { type: "text-start", index: block.index, refusal: true }
          : { type: "text-start", index: block.index },
      );
    }
    return block.open ? block : undefined;
  }

  textPartAdded(outputIndex: number, contentIndex: number, refusal: boolean): void {
    if (refusal) this.facts.sawRefusal = true;
    this.textBlock(outputIndex, contentIndex, refusal);
  }

  textDelta(outputIndex: number, contentIndex: number, text: string, refusal: boolean): void {
    if (refusal) this.facts.sawRefusal = true;
    const block = this.textBlock(outputIndex, contentIndex, refusal);
    if (block === undefined || text === "") return;
    block.emitted += text.length;
    this.emit({ type: "text-delta", index: block.index, text });
  }

  /** A done event's full text: only what the deltas did not carry is emitted. */
  textDone(outputIndex: number, contentIndex: number, text: string | undefined, refusal: boolean): void {
    const block = this.textBlock(outputIndex, contentIndex, refusal);
    if (block !== undefined && text !== undefined && text.length > block.emitted) {
      this.textDelta(outputIndex, contentIndex, text.slice(block.emitted), refusal);
    }
  }

  textPartDone(outputIndex: number, contentIndex: number, part: JsonObject | undefined): void {
    const refusal = stringAt(part, "type") === "refusal";
    this.textDone(outputIndex, contentIndex, stringAt(part, refusal ? "refusal" : "text"), refusal);
    const block = this.textBlock(outputIndex, contentIndex, refusal);
    if (block === undefined) return;
    block.open = false;
    this.emit({ type: "text-end", index: block.index });
  }

  // Reasoning (summary_text and reasoning_text).

  private reasoningState(outputIndex: number): Extract<ItemState, { kind: "reasoning" }> | undefined {
    let state = this.items.get(outputIndex);
    if (state === undefined) {
      state = { kind: "reasoning", done: false, itemId: undefined, block: undefined, any: false };
      this.items.set(outputIndex, state);
    }
    return state.kind === "reasoning" && !state.done ? state : undefined;
  }

  private reasoningBlock(
    state: Extract<ItemState, { kind: "reasoning" }>,
    key: number | undefined,
  ): ReasoningBlock {
    const current = state.block;
    if (current !== undefined && (current.key === undefined || current.key === key || key === undefined)) {
      current.key ??= key;
      return current;
    }
    if (current !== undefined) this.emit({ type: "reasoning-end", index: current.index });
    const block: ReasoningBlock = { ...this.open(), key };
    state.block = block;
    const start: StreamEvent = { type: "reasoning-start", index: block.index };
    if (state.itemId !== undefined) start.itemId = state.itemId;
    this.emit(start);
    return block;
  }

  reasoningPartAdded(outputIndex: number, key: number): void {
    const state = this.reasoningState(outputIndex);
    if (state !== undefined) this.reasoningBlock(state, key);
  }

  reasoningDelta(outputIndex: number, key: number, text: string): void {
    const state = this.reasoningState(outputIndex);
    if (state === undefined || text === "") return;
    const block = this.reasoningBlock(state, key);
    block.emitted += text.length;
    state.any = true;
    this.emit({ type: "reasoning-delta", index: block.index, text });
  }

  reasoningDone(outputIndex: number, key: number, text: string | undefined): void {
    const state = this.reasoningState(outputIndex);
    if (state === undefined || text === undefined) return;
    const block = this.reasoningBlock(state, key);
    if (text.length > block.emitted) this.reasoningDelta(outputIndex, key, text.slice(block.emitted));
  }

  // Function and custom tool calls.

  callDelta(outputIndex: number, text: string): void {
    const state = this.items.get(outputIndex);
    if (state === undefined || state.done || text === "") return;
    if (state.kind === "wrapper") state.args += text;
    if (state.kind !== "call") return;
    state.block.emitted += text.length;
    this.emit({ type: "tool-call-delta", index: state.block.index, arguments: text });
  }

  /** A done event's full arguments/input: only what the deltas did not carry is emitted. */
  callDone(outputIndex: number, text: string | undefined): void {
    const state = this.items.get(outputIndex);
    if (state === undefined || state.done || text === undefined) return;
    if (state.kind === "wrapper") state.args = text;
    if (state.kind === "call" && text.length > state.block.emitted) {
      this.callDelta(outputIndex, text.slice(state.block.emitted));
    }
  }

  private emitWrapper(state: Extract<ItemState, { kind: "wrapper" }>): void {
    const calls = unwrapParallelCall(state.callId, state.name, state.args) ?? [
      { id: state.callId, name: state.name, arguments: state.args },
    ];
    for (const call of calls) {
      const index = this.nextIndex++;
      this.emit({ type: "tool-call-start", index, id: call.id, name: call.name });
      if (call.arguments !== "") this.emit({ type: "tool-call-delta", index, arguments: call.arguments });
      this.emit({ type: "tool-call-end", index });
    }
  }

  /**
   * An item is over (`output_item.done`, or the terminal response's copy of it, or nothing when
   * the stream ends first): fill in what no delta carried, close its blocks, attach the
   * reasoning signature to the item's last block.
   */
  done(outputIndex: number, item: JsonObject | undefined): void {
    if (item !== undefined && !this.items.has(outputIndex)) this.added(outputIndex, item);
    const state = this.items.get(outputIndex);
    if (state === undefined || state.done) return;
    switch (state.kind) {
      case "message":
        arrayAt(item, "content").forEach((entry, contentIndex) => {
          const part = objectOf(entry);
          const type = stringAt(part, "type");
          if (type === "output_text" || type === "refusal")
            this.textPartDone(outputIndex, contentIndex, part);
        });
        for (const block of state.parts.values()) {
          if (!block.open) continue;
          block.open = false;
          this.emit({ type: "text-end", index: block.index });
        }
        break;
      case "reasoning": {
        if (!state.any && item !== undefined) {
          arrayAt(item, "summary").forEach((part, n) => {
            this.reasoningDone(outputIndex, n, stringAt(objectOf(part), "text"));
          });
          arrayAt(item, "content").forEach((part, n) => {
            this.reasoningDone(outputIndex, -1 - n, stringAt(objectOf(part), "text"));
          });
        }
        const block = this.reasoningBlock(state, undefined);
        const encrypted = stringAt(item, "encrypted_content");
        const signature = encrypted === undefined ? undefined : uncarryReasoning(encrypted).signature;
        const end: StreamEvent = { type: "reasoning-end", index: block.index };
        if (signature !== undefined) end.signature = signature;
        this.emit(end);
        break;
      }
      case "call":
        this.callDone(outputIndex, stringAt(item, "arguments") ?? stringAt(item, "input"));
        this.emit({ type: "tool-call-end", index: state.block.index });
        break;
      case "wrapper":
        this.callDone(outputIndex, stringAt(item, "arguments"));
        this.emitWrapper(state);
        break;
      case "ignored":
        break;
      default:
        assertNever(state, "stream item state");
    }
    state.done = true;
  }

  /** Close every item still open, in output order (the terminal event came without their done). */
  closeAll(): void {
    const open = [...this.items.entries()].filter(([, state]) => !state.done).sort(([a], [b]) => a - b);
    for (const [outputIndex] of open) this.done(outputIndex, undefined);
  }
}
