import type { LlmuxErrorData } from "./errors.js";
import type { StreamEvent } from "./events.js";
import type { OutputPart } from "./parts.js";
import { assertNever } from "./protocol.js";
import type { CanonicalResponse } from "./response.js";
import { emptyUsage } from "./usage.js";

/**
 * The state of a response being accumulated from stream events. `blocks` maps a block
 * index to its position in `response.content`.
 */
export interface AccumulatorSnapshot {
  response: CanonicalResponse;
  blocks: Map<number, number>;
  started: boolean;
  finished: boolean;
  error?: LlmuxErrorData;
}

export function createSnapshot(): AccumulatorSnapshot {
  return {
    response: {
      id: "",
      model: "",
      created: 0,
      content: [],
      finishReason: "stop",
      usage: emptyUsage(),
      warnings: [],
    },
    blocks: new Map(),
    started: false,
    finished: false,
  };
}

function openBlock(snapshot: AccumulatorSnapshot, index: number, part: OutputPart): void {
  snapshot.blocks.set(index, snapshot.response.content.length);
  snapshot.response.content.push(part);
}

function blockAt(snapshot: AccumulatorSnapshot, index: number): OutputPart | undefined {
  const position = snapshot.blocks.get(index);
  return position === undefined ? undefined : snapshot.response.content[position];
}

/**
 * The one reducer from canonical stream events to a whole response. A non-streaming
 * client of a streaming upstream is served by it, so the two paths cannot disagree.
 * It mutates and returns `snapshot` (no per-event copies).
 */
export function accumulate(event: StreamEvent, snapshot: AccumulatorSnapshot): AccumulatorSnapshot {
  switch (event.type) {
    case "response-start":
      snapshot.started = true;
      snapshot.response.id = event.id;
      snapshot.response.model = event.model;
      snapshot.response.created = event.created;
      break;
    case "text-start":
      openBlock(
        snapshot,
        event.index,
        event.refusal === true ? { type: "text", text: "", refusal: true } : { type: "text", text: "" },
      );
      break;
    case "text-delta": {
      const block = blockAt(snapshot, event.index);
      if (block?.type === "text") block.text += event.text;
      else openBlock(snapshot, event.index, { type: "text", text: event.text });
      break;
    }
    case "reasoning-start": {
      const part: OutputPart = { type: "thinking", text: "" };
      if (event.redactedData !== undefined) part.redactedData = event.redactedData;
      if (event.itemId !== undefined) part.itemId = event.itemId;
      openBlock(snapshot, event.index, part);
      break;
    }
    case "reasoning-delta": {
      const block = blockAt(snapshot, event.index);
      if (block?.type === "thinking") block.text += event.text;
      else openBlock(snapshot, event.index, { type: "thinking", text: event.text });
      break;
    }
    case "reasoning-end": {
      const block = blockAt(snapshot, event.index);
      if (block?.type === "thinking" && event.signature !== undefined) block.signature = event.signature;
      break;
    }
    case "tool-call-start": {
      const part: OutputPart = { type: "tool-call", id: event.id, name: event.name, arguments: "" };
      if (event.kind !== undefined) part.kind = event.kind;
      if (event.signature !== undefined) part.signature = event.signature;
      openBlock(snapshot, event.index, part);
      break;
    }
    case "tool-call-delta": {
      const block = blockAt(snapshot, event.index);
      if (block?.type === "tool-call") block.arguments += event.arguments;
      break;
    }
    case "tool-call-end": {
      const block = blockAt(snapshot, event.index);
      if (block?.type === "tool-call" && block.arguments === "" && block.kind !== "custom")
        block.arguments = "{}";
      break;
    }
    case "text-end":
      break;
    case "usage":
      snapshot.response.usage = { ...event.usage };
      break;
    case "finish":
      snapshot.finished = true;
      snapshot.response.finishReason = event.reason;
      if (event.stopSequence !== undefined) snapshot.response.stopSequence = event.stopSequence;
      break;
    case "error":
      snapshot.error = event.error;
      break;
    default:
      assertNever(event, "stream event");
  }
  return snapshot;
}

/**
 * The reducer for a stream whose whole response nobody needs (a streaming client, no stored
 * state): only what the log and usage accounting read (start, usage, finish, error) is kept;
 * text, reasoning and tool-call deltas pass by without being copied into the snapshot.
 */
export function accumulateSummary(event: StreamEvent, snapshot: AccumulatorSnapshot): AccumulatorSnapshot {
  switch (event.type) {
    case "response-start":
    case "usage":
    case "finish":
    case "error":
      return accumulate(event, snapshot);
    default:
      return snapshot;
  }
}

/**
 * The inverse: a whole response as the event sequence a stream of it would carry.
 * A streaming client of a non-streaming upstream is served by it.
 */
export function responseToEvents(response: CanonicalResponse): StreamEvent[] {
  const events: StreamEvent[] = [
    { type: "response-start", id: response.id, model: response.model, created: response.created },
  ];
  response.content.forEach((part, index) => {
    switch (part.type) {
      case "text":
        events.push(
          part.refusal === true
            ? { type: "text-start", index, refusal: true }
            : { type: "text-start", index },
        );
        if (part.text !== "") events.push({ type: "text-delta", index, text: part.text });
        events.push({ type: "text-end", index });
        break;
      case "thinking": {
        const start: StreamEvent = { type: "reasoning-start", index };
        if (part.redactedData !== undefined) start.redactedData = part.redactedData;
        if (part.itemId !== undefined) start.itemId = part.itemId;
        events.push(start);
        if (part.text !== "") events.push({ type: "reasoning-delta", index, text: part.text });
        const end: StreamEvent = { type: "reasoning-end", index };
        if (part.signature !== undefined) end.signature = part.signature;
        events.push(end);
        break;
      }
      case "tool-call": {
        const start: StreamEvent = { type: "tool-call-start", index, id: part.id, name: part.name };
        if (part.kind !== undefined) start.kind = part.kind;
        if (part.signature !== undefined) start.signature = part.signature;
        events.push(start);
        if (part.arguments !== "") events.push({ type: "tool-call-delta", index, arguments: part.arguments });
        events.push({ type: "tool-call-end", index });
        break;
      }
      default:
        assertNever(part, "output part");
    }
  });
  events.push({ type: "usage", usage: { ...response.usage } });
  const finish: StreamEvent = { type: "finish", reason: response.finishReason };
  if (response.stopSequence !== undefined) finish.stopSequence = response.stopSequence;
  events.push(finish);
  return events;
}
