import { expect } from "vitest";
import { assertNever, type Protocol } from "../../../src/core/model/protocol.js";
import { objectOf, objectsOf, stringOf } from "./json-access.js";
import { CLIENT_MODEL, framesOf, payloadsOf } from "./run-response.js";

/** Chat: `data:` chunks, one terminal chunk with a finish_reason, then the usage chunk, then `[DONE]`. */
function checkChat(sse: string): void {
  const frames = framesOf([sse]);
  expect(frames[frames.length - 1]?.data, "the stream ends with [DONE]").toBe("[DONE]");
  expect(frames.filter((frame) => frame.data === "[DONE]")).toHaveLength(1);
  const chunks = payloadsOf(sse).map((payload) => payload.data);
  for (const chunk of chunks) expect(chunk.model).toBe(CLIENT_MODEL);
  const finishing = chunks.flatMap((chunk, index) =>
    objectsOf(chunk.choices).some(
      (choice) => choice.finish_reason !== null && choice.finish_reason !== undefined,
    )
      ? [index]
      : [],
  );
  expect(finishing, "exactly one chunk carries the finish_reason").toHaveLength(1);
  // After the terminal chunk only the usage chunk (no choices) may come before [DONE].
  const after = chunks.slice((finishing[0] ?? 0) + 1);
  expect(after.map((chunk) => objectsOf(chunk.choices).length)).toEqual(after.map(() => 0));
  expect(after.filter((chunk) => chunk.usage !== undefined && chunk.usage !== null)).toHaveLength(1);
}

/** Anthropic: message_start ... balanced content blocks, no empty text block ... message_delta, message_stop. */
function checkAnthropic(sse: string): void {
  const payloads = payloadsOf(sse);
  for (const payload of payloads) expect(payload.event, "event name = data.type").toBe(payload.data.type);
  const types = payloads.map((payload) => payload.data.type);
  expect(types[0]).toBe("message_start");
  expect(types[types.length - 1]).toBe("message_stop");
  expect(
    types.filter((type) => type === "message_delta"),
    "one message_delta",
  ).toHaveLength(1);
  expect(types.indexOf("message_delta")).toBe(types.length - 2);
  const delta = payloads[types.length - 2]?.data;
  expect(objectOf(delta?.delta)?.stop_reason, "the stop reason comes before message_stop").toBeTypeOf(
    "string",
  );
  const open = new Map<number, { type: string; text: string }>();
  let next = 0;
  for (const { data } of payloads) {
    const index = typeof data.index === "number" ? data.index : -1;
    if (data.type === "content_block_start") {
      expect(index, "blocks open in order").toBe(next++);
      open.set(index, { type: stringOf(objectOf(data.content_block)?.type) ?? "", text: "" });
    } else if (data.type === "content_block_delta") {
      const block = open.get(index);
      expect(block, `delta for open block ${index}`).toBeDefined();
      if (block !== undefined) block.text += stringOf(objectOf(data.delta)?.text) ?? "";
    } else if (data.type === "content_block_stop") {
      const block = open.get(index);
      expect(block, `stop for open block ${index}`).toBeDefined();
      if (block?.type === "text") expect(block.text.trim(), "no empty text block").not.toBe("");
      open.delete(index);
    }
  }
  expect(open.size, "every block is closed").toBe(0);
}

/** Responses: response.created first, sequence numbers 0.., items added/done in pairs, a terminal event last. */
function checkResponses(sse: string): void {
  const payloads = payloadsOf(sse);
  for (const payload of payloads) expect(payload.event, "event name = data.type").toBe(payload.data.type);
  expect(payloads.map((payload) => payload.data.sequence_number)).toEqual(payloads.map((_, index) => index));
  const types = payloads.map((payload) => payload.data.type);
  expect(types[0]).toBe("response.created");
  expect(["response.completed", "response.incomplete"]).toContain(types[types.length - 1]);
  expect(types.filter((type) => type === "response.output_item.added").length).toBe(
    types.filter((type) => type === "response.output_item.done").length,
  );
  const last = objectOf(payloads[payloads.length - 1]?.data.response);
  expect(last?.model).toBe(CLIENT_MODEL);
}

/** Gemini: `data:` chunks (CRLF framed), each with parts; only the last carries the finishReason. */
function checkGemini(sse: string): void {
  expect(sse.endsWith("\r\n\r\n")).toBe(true);
  const chunks = payloadsOf(sse).map((payload) => payload.data);
  const finishes = chunks.map((chunk) => objectsOf(chunk.candidates)[0]?.finishReason);
  expect(
    finishes.slice(0, -1).every((reason) => reason === undefined),
    "finishReason only on the last chunk",
  ).toBe(true);
  expect(finishes[finishes.length - 1], "the last chunk carries the finishReason").toBeTypeOf("string");
  for (const chunk of chunks) {
    const parts = objectsOf(objectOf(objectsOf(chunk.candidates)[0]?.content)?.parts);
    expect(parts.length, "every chunk has parts").toBeGreaterThan(0);
    expect(chunk.modelVersion).toBe(CLIENT_MODEL);
  }
}

/** Wire rules every client-facing stream must follow. */
export function checkClientStream(protocol: Protocol, sse: string): void {
  switch (protocol) {
    case "openai-chat":
      checkChat(sse);
      return;
    case "openai-responses":
      checkResponses(sse);
      return;
    case "anthropic":
      checkAnthropic(sse);
      return;
    case "gemini":
      checkGemini(sse);
      return;
    default:
      assertNever(protocol, "protocol");
  }
}
