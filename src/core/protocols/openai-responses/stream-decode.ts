import type { StreamEvent } from "../../model/events.js";
import type { JsonObject } from "../../model/json.js";
import type { CoreContext } from "../../model/protocol.js";
import type { SseFrame } from "../../sse/frame.js";
import { PayloadReader } from "../../sse/payload-reader.js";
import type { StreamDecoder } from "../adapter.js";
import { decodeResponsesStreamError } from "./errors.js";
import { decodeFinishReason, type OutputFacts } from "./finish.js";
import { StreamItems } from "./stream-items.js";
import { decodeResponsesUsage } from "./usage.js";
import { arrayAt, numberAt, objectAt, objectOf, stringAt } from "./wire.js";

/**
 * A Responses upstream stream as canonical events: `response-start` (from response.created,
 * emitted with the first output), blocks as their frames arrive, then usage and `finish` on
 * `response.completed` / `response.incomplete`. `error` and `response.failed` become an `error`
 * event; a stream that closes before its terminal event is `upstream_incomplete`.
 */
class ResponsesStreamDecoder implements StreamDecoder {
  private readonly items: StreamItems;
  private readonly facts: OutputFacts = { sawToolCall: false, sawRefusal: false };
  private readonly payloads = new PayloadReader();
  private lastOutputIndex = 0;
  private started = false;
  private announced: JsonObject | undefined;
  private ended = false;

  constructor(
    private readonly context: CoreContext,
    private readonly emit: (event: StreamEvent) => void,
  ) {
    this.items = new StreamItems(context, emit, this.facts);
  }

  push(frame: SseFrame): void {
    if (this.ended) return;
    const parsed = this.payloads.read(frame.data);
    if (!parsed.ok) return;
    const payload = objectOf(parsed.value);
    if (payload === undefined) return;
    const type = stringAt(payload, "type") ?? frame.event;
    this.dispatch(type, payload);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.emit({
      type: "error",
      error: {
        code: "upstream_incomplete",
        status: 502,
        message: "upstream Responses stream closed before response.completed",
        retryable: true,
      },
    });
  }

  private dispatch(type: string | undefined, payload: JsonObject): void {
    switch (type) {
      case "response.created":
      case "response.in_progress":
      case "response.queued":
        this.announce(objectAt(payload, "response"));
        return;
      case "response.completed":
      case "response.incomplete":
        this.complete(
          objectAt(payload, "response"),
          type === "response.incomplete" ? "incomplete" : "completed",
        );
        return;
      case "response.failed":
        this.fail(
          objectAt(objectAt(payload, "response"), "error") ?? { message: "upstream response failed" },
        );
        return;
      case "error":
        this.fail(payload);
        return;
      case undefined:
        if (objectAt(payload, "error") !== undefined) this.fail(payload);
        return;
      default:
        this.begin();
        this.item(type, payload);
    }
  }

  private outputIndex(payload: JsonObject): number {
    const index =
      numberAt(payload, "output_index") ??
      this.items.positionOf(stringAt(payload, "item_id")) ??
      this.lastOutputIndex;
    this.lastOutputIndex = index;
    return index;
  }

  private item(type: string, payload: JsonObject): void {
    const items = this.items;
    const output = this.outputIndex(payload);
    const contentIndex = numberAt(payload, "content_index") ?? 0;
    // Reasoning texts are told apart by a number: summary n is n, raw content n is -1 - n.
    const summaryKey = numberAt(payload, "summary_index") ?? 0;
    const contentKey = -1 - contentIndex;
    switch (type) {
      case "response.output_item.added":
        items.added(output, objectAt(payload, "item") ?? {});
        return;
      case "response.output_item.done":
        items.done(output, objectAt(payload, "item"));
        return;
      case "response.content_part.added": {
        const partType = stringAt(objectAt(payload, "part"), "type");
        if (partType === "reasoning_text") items.reasoningPartAdded(output, contentKey);
        else if (partType === "output_text" || partType === "refusal")
          items.textPartAdded(output, contentIndex, partType === "refusal");
        return;
      }
      case "response.content_part.done": {
        const part = objectAt(payload, "part");
        const partType = stringAt(part, "type");
        if (partType === "reasoning_text") items.reasoningDone(output, contentKey, stringAt(part, "text"));
        else if (partType === "output_text" || partType === "refusal")
          items.textPartDone(output, contentIndex, part);
        return;
      }
      case "response.output_text.delta":
        items.textDelta(output, contentIndex, stringAt(payload, "delta") ?? "", false);
        return;
      case "response.output_text.done":
        items.textDone(output, contentIndex, stringAt(payload, "text"), false);
        return;
      case "response.refusal.delta":
        items.textDelta(output, contentIndex, stringAt(payload, "delta") ?? "", true);
        return;
      case "response.refusal.done":
        items.textDone(output, contentIndex, stringAt(payload, "refusal"), true);
        return;
      case "response.reasoning_summary_part.added":
        items.reasoningPartAdded(output, summaryKey);
        return;
      case "response.reasoning_summary_text.delta":
        items.reasoningDelta(output, summaryKey, stringAt(payload, "delta") ?? "");
        return;
      case "response.reasoning_summary_text.done":
        items.reasoningDone(output, summaryKey, stringAt(payload, "text"));
        return;
      case "response.reasoning_text.delta":
        items.reasoningDelta(output, contentKey, stringAt(payload, "delta") ?? "");
        return;
      case "response.reasoning_text.done":
        items.reasoningDone(output, contentKey, stringAt(payload, "text"));
        return;
      case "response.function_call_arguments.delta":
      case "response.custom_tool_call_input.delta":
        items.callDelta(output, stringAt(payload, "delta") ?? "");
        return;
      case "response.function_call_arguments.done":
        items.callDone(output, stringAt(payload, "arguments"));
        return;
      case "response.custom_tool_call_input.done":
        items.callDone(output, stringAt(payload, "input"));
        return;
      default:
        return;
    }
  }

  /** Remember what response.created says (emitted later, see `begin`). */
  private announce(response: JsonObject | undefined): void {
    if (this.started || this.announced !== undefined) return;
    this.announced = response;
  }

  /**
   * `response-start` goes out just before the first event with content (or the terminal one):
   * an error that comes before any output then stays alone, and the host can still fail over.
   */
  private begin(fallback?: JsonObject): void {
    if (this.started) return;
    this.started = true;
    const source = this.announced ?? fallback;
    this.emit({
      type: "response-start",
      id: stringAt(source, "id") ?? this.context.newId("resp_"),
      model: stringAt(source, "model") ?? "",
      created: numberAt(source, "created_at") ?? Math.floor(this.context.now() / 1000),
    });
  }

  private complete(response: JsonObject | undefined, fallbackStatus: string): void {
    this.begin(response);
    // The terminal response repeats every item: finish those whose done never came, add any never
    // announced. An item is found by id, else by position (ids may rotate between events).
    arrayAt(response, "output").forEach((entry, position) => {
      const item = objectOf(entry);
      if (item === undefined) return;
      const outputIndex = this.items.positionOf(stringAt(item, "id")) ?? position;
      if (!this.items.isDone(outputIndex)) this.items.done(outputIndex, item);
    });
    this.items.closeAll();
    const usage = decodeResponsesUsage(response?.usage);
    if (usage !== undefined) this.emit({ type: "usage", usage });
    const status = stringAt(response, "status") ?? fallbackStatus;
    const reason = stringAt(objectAt(response, "incomplete_details"), "reason");
    this.emit({ type: "finish", reason: decodeFinishReason(status, reason, this.facts) });
    this.ended = true;
  }

  /** An error before anything started stays alone, so the host can still fail over. */
  private fail(errorPayload: JsonObject): void {
    this.ended = true;
    this.emit({ type: "error", error: decodeResponsesStreamError(errorPayload) });
  }
}

export function createResponsesStreamDecoder(
  context: CoreContext,
  emit: (event: StreamEvent) => void,
): StreamDecoder {
  return new ResponsesStreamDecoder(context, emit);
}
