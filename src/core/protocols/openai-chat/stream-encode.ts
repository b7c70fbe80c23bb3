import type { StreamEvent } from "../../model/events.js";
import type { Signature } from "../../model/parts.js";
import { assertNever, type CoreContext } from "../../model/protocol.js";
import { emptyUsage, type Usage } from "../../model/usage.js";
import type { StreamEncodeOptions, StreamEncoder } from "../adapter.js";
import { renderOpenAiChatStreamError } from "./errors.js";
import { type ChatFinishReason, encodeFinishReason } from "./finish.js";
import { encodeReasoningDetail } from "./reasoning-details.js";
import { BLOCK_SEPARATOR } from "./response.js";
import { encodeChatUsage } from "./usage.js";

const DONE = "data: [DONE]\n\n";

interface WireToolCall {
  index: number;
  custom: boolean;
}

/**
 * Canonical events -> `chat.completion.chunk` frames, written as each event arrives. A role
 * chunk opens the stream; a terminal chunk with `finish_reason` always precedes `[DONE]`, with
 * the usage chunk (empty `choices`) between them when the client asked for usage. Every chunk
 * shares one pre-rendered prefix (id, object, created, model), so a delta costs one small string.
 */
export class ChatStreamEncoder implements StreamEncoder {
  private readonly options: StreamEncodeOptions;
  private readonly context: CoreContext;
  private readonly write: (text: string) => void;
  private prefix = "";
  private started = false;
  private finished = false;
  private ended = false;
  private readonly tools = new Map<number, WireToolCall>();
  private toolCount = 0;
  private lastTextIndex: number | undefined;
  /** Text blocks that are refusals: their deltas go out as `delta.refusal`. */
  private readonly refusals = new Set<number>();
  private lastRefusalIndex: number | undefined;
  private lastReasoningIndex: number | undefined;
  private usage: Usage | undefined;

  constructor(options: StreamEncodeOptions, context: CoreContext, write: (text: string) => void) {
    this.options = options;
    this.context = context;
    this.write = write;
  }

  push(event: StreamEvent): void {
    if (this.ended) return;
    switch (event.type) {
      case "response-start":
        this.start(event.id, event.created);
        break;
      case "text-start":
        if (event.refusal === true) this.refusals.add(event.index);
        this.start();
        break;
      case "reasoning-start":
      case "text-end":
      case "tool-call-end":
        this.start();
        break;
      case "text-delta":
        this.pushText(event.index, event.text);
        break;
      case "reasoning-delta":
        this.pushReasoning(event.index, event.text);
        break;
      case "reasoning-end":
        if (event.signature !== undefined) this.pushReasoningDetail(event.signature);
        break;
      case "tool-call-start":
        this.pushToolStart(event.index, event.id, event.name, event.kind === "custom");
        break;
      case "tool-call-delta":
        this.pushToolArguments(event.index, event.arguments);
        break;
      case "usage":
        this.usage = event.usage;
        break;
      case "finish":
        this.finish(encodeFinishReason(event.reason));
        break;
      case "error":
        this.start();
        this.write(renderOpenAiChatStreamError(event.error));
        this.ended = true;
        break;
      default:
        assertNever(event, "stream event");
    }
  }

  end(): void {
    if (this.ended) return;
    this.finish("stop");
    if (this.options.includeUsage === true) {
      const usage = JSON.stringify(encodeChatUsage(this.usage ?? emptyUsage()));
      this.write(`${this.prefix},"choices":[],"usage":${usage}}\n\n`);
    }
    this.write(DONE);
    this.ended = true;
  }

  private start(id?: string, created?: number): void {
    if (this.started) return;
    this.started = true;
    const responseId = id === undefined || id === "" ? this.context.newId("chatcmpl-") : id;
    const seconds = created !== undefined && created > 0 ? created : Math.floor(this.context.now() / 1000);
    this.prefix =
      `data: {"id":${JSON.stringify(responseId)},"object":"chat.completion.chunk",` +
      `"created":${seconds},"model":${JSON.stringify(this.options.model)}`;
    this.writeDelta('{"role":"assistant","content":""}');
  }

  private writeDelta(delta: string, finishReason = "null"): void {
    this.write(
      `${this.prefix},"choices":[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finishReason}}]}\n\n`,
    );
  }

  private pushText(index: number, text: string): void {
    this.start();
    if (text === "" || this.finished) return;
    if (this.refusals.has(index)) {
      const separated = this.lastRefusalIndex !== undefined && this.lastRefusalIndex !== index;
      this.lastRefusalIndex = index;
      this.writeDelta(`{"refusal":${JSON.stringify(separated ? BLOCK_SEPARATOR + text : text)}}`);
      return;
    }
    const separated = this.lastTextIndex !== undefined && this.lastTextIndex !== index;
    this.lastTextIndex = index;
    this.writeDelta(`{"content":${JSON.stringify(separated ? BLOCK_SEPARATOR + text : text)}}`);
  }

  private pushReasoning(index: number, text: string): void {
    this.start();
    if (text === "" || this.finished) return;
    const separated = this.lastReasoningIndex !== undefined && this.lastReasoningIndex !== index;
    this.lastReasoningIndex = index;
    this.writeDelta(`{"reasoning_content":${JSON.stringify(separated ? BLOCK_SEPARATOR + text : text)}}`);
  }

  /** Encrypted reasoning from an OpenRouter-style upstream goes back out as `reasoning_details`. */
  private pushReasoningDetail(signature: Signature): void {
    this.start();
    if (this.finished) return;
    const detail = encodeReasoningDetail({ type: "thinking", text: "", signature });
    if (detail?.type !== "reasoning.encrypted") return;
    this.writeDelta(`{"reasoning_details":[${JSON.stringify(detail)}]}`);
  }

  private pushToolStart(index: number, id: string, name: string, custom: boolean): void {
    this.start();
    if (this.finished) return;
    const wire: WireToolCall = { index: this.toolCount++, custom };
    this.tools.set(index, wire);
    const head = `{"tool_calls":[{"index":${wire.index},"id":${JSON.stringify(id)},`;
    const body = custom
      ? `"type":"custom","custom":{"name":${JSON.stringify(name)},"input":""}}]}`
      : `"type":"function","function":{"name":${JSON.stringify(name)},"arguments":""}}]}`;
    this.writeDelta(head + body);
  }

  private pushToolArguments(index: number, text: string): void {
    const wire = this.tools.get(index);
    if (wire === undefined || text === "" || this.finished) return;
    const field = wire.custom ? `"custom":{"input":` : `"function":{"arguments":`;
    this.writeDelta(`{"tool_calls":[{"index":${wire.index},${field}${JSON.stringify(text)}}}]}`);
  }

  private finish(reason: ChatFinishReason): void {
    this.start();
    if (this.finished) return;
    this.finished = true;
    const wire = reason === "stop" && this.toolCount > 0 ? "tool_calls" : reason;
    this.writeDelta("{}", `"${wire}"`);
  }
}

export function createChatStreamEncoder(
  options: StreamEncodeOptions,
  context: CoreContext,
  write: (text: string) => void,
): StreamEncoder {
  return new ChatStreamEncoder(options, context, write);
}
