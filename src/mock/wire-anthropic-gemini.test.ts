import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseJsonOrThrow } from "../core/json/safe-parse.js";
import { collectSseEvents, parseSseText, type ReceivedEvent } from "./collect-sse-events.js";
import { RICH_CALLS as EXPECTED_CALLS, RICH_SCRIPT as RICH, RICH_TEXT as TEXT } from "./sample-scripts.js";
import type { MockScript } from "./script.js";
import { type MockUpstream, startMockUpstream } from "./server.js";

/**
 * The Anthropic and Gemini wire output read back by small independent readers, stream
 * and non-stream, so both paths are checked to carry the same answer.
 */

interface Summary {
  text: string;
  thinking: string;
  signature: string | undefined;
  calls: { id: string | undefined; name: string; arguments: unknown }[];
  finish: string | undefined;
  usage: object;
}

function emptySummary(): Summary {
  return { text: "", thinking: "", signature: undefined, calls: [], finish: undefined, usage: {} };
}

function jsonOfEvent<T>(event: ReceivedEvent): T {
  return event.json as T;
}

/** The parts of each wire shape these readers look at. */
interface AnthropicBlock {
  type: string;
  text?: string;
  thinking?: string;
  signature?: string;
  id?: string;
  name?: string;
  input?: unknown;
  data?: string;
}
interface AnthropicEvent {
  type: string;
  index: number;
  message: { usage: object };
  content_block: AnthropicBlock;
  delta: {
    type: string;
    text: string;
    thinking: string;
    signature: string;
    partial_json: string;
    stop_reason: string;
  };
  usage: object;
  error: { type: string };
}
interface AnthropicMessage {
  type: string;
  content: AnthropicBlock[];
  stop_reason: string;
  stop_sequence: string | null;
  usage: object;
}
interface GeminiPart {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  functionCall?: { id?: string; name: string; args: unknown };
}
interface GeminiChunk {
  candidates: { content: { parts: GeminiPart[] }; finishReason?: string }[];
  usageMetadata: object;
  modelVersion: string;
  error?: object;
}

let mock: MockUpstream;
beforeAll(async () => {
  mock = await startMockUpstream();
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => mock.reset());

async function post(path: string, body: unknown, script: MockScript): Promise<Response> {
  mock.enqueue(script);
  return fetch(`${mock.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function streamOf(path: string, body: unknown, script: MockScript): Promise<ReceivedEvent[]> {
  const response = await post(path, body, script);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  const collected = await collectSseEvents(response);
  expect(collected.complete).toBe(true);
  return collected.events;
}

async function jsonOf<T>(path: string, body: unknown, script: MockScript): Promise<T> {
  const response = await post(path, body, script);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("application/json");
  return (await response.json()) as T;
}

function readAnthropicBlocks(content: AnthropicBlock[], summary: Summary): void {
  for (const block of content) {
    if (block.type === "text") summary.text += block.text;
    if (block.type === "thinking") {
      summary.thinking += block.thinking;
      summary.signature = block.signature;
    }
    if (block.type === "tool_use")
      summary.calls.push({ id: block.id, name: block.name ?? "", arguments: block.input });
  }
}

function readAnthropicStream(events: ReceivedEvent[]): Summary {
  const summary = emptySummary();
  const blocks: AnthropicBlock[] = [];
  const partial = new Map<number, string>();
  for (const event of events) {
    const payload = jsonOfEvent<AnthropicEvent>(event);
    expect(event.event).toBe(payload.type);
    if (payload.type === "message_start") summary.usage = { ...payload.message.usage };
    if (payload.type === "content_block_start") blocks[payload.index] = { ...payload.content_block };
    if (payload.type === "content_block_delta") {
      const block = blocks[payload.index]!;
      const delta = payload.delta;
      if (delta.type === "text_delta") block.text += delta.text;
      if (delta.type === "thinking_delta") block.thinking += delta.thinking;
      if (delta.type === "signature_delta") block.signature = delta.signature;
      if (delta.type === "input_json_delta") {
        partial.set(payload.index, (partial.get(payload.index) ?? "") + delta.partial_json);
      }
    }
    if (payload.type === "content_block_stop" && partial.has(payload.index)) {
      blocks[payload.index]!.input = parseJsonOrThrow(partial.get(payload.index)!, "upstream");
    }
    if (payload.type === "message_delta") {
      summary.finish = payload.delta.stop_reason;
      summary.usage = { ...summary.usage, ...payload.usage };
    }
  }
  readAnthropicBlocks(blocks, summary);
  return summary;
}

function readGeminiChunks(chunks: GeminiChunk[]): Summary {
  const summary = emptySummary();
  for (const chunk of chunks) {
    const candidate = chunk.candidates[0]!;
    if (candidate.finishReason) summary.finish = candidate.finishReason;
    summary.usage = chunk.usageMetadata;
    for (const part of candidate.content.parts) {
      if (part.thought) summary.thinking += part.text;
      else if (part.text !== undefined) summary.text += part.text;
      if (part.thought && part.thoughtSignature) summary.signature = part.thoughtSignature;
      const call = part.functionCall;
      if (call) summary.calls.push({ id: call.id, name: call.name, arguments: call.args });
    }
  }
  return summary;
}

describe("anthropic wire", () => {
  const path = "/v1/messages";
  it("streams thinking with signature_delta, text, tool_use input_json_delta, a ping and message_delta usage", async () => {
    const events = await streamOf(path, { model: "claude-x", stream: true, max_tokens: 100 }, RICH);
    const summary = readAnthropicStream(events);
    expect(events[0]!.event).toBe("message_start");
    expect(events.filter((event) => event.event === "ping")).toHaveLength(1);
    expect(events.at(-1)!.event).toBe("message_stop");
    expect(summary.thinking).toBe("Two lookups are needed.");
    expect(summary.signature).toBe("sig-thinking");
    expect(summary.text).toBe(TEXT);
    expect(summary.calls).toEqual(EXPECTED_CALLS);
    expect(summary.finish).toBe("tool_use");
    expect(summary.usage).toMatchObject({
      input_tokens: 100,
      cache_read_input_tokens: 30,
      cache_creation_input_tokens: 20,
      output_tokens: 50,
    });
  });

  it("answers non-stream with the same content blocks", async () => {
    const body = await jsonOf<AnthropicMessage>(path, { model: "claude-x", max_tokens: 100 }, RICH);
    expect(body.type).toBe("message");
    const summary = emptySummary();
    readAnthropicBlocks(body.content, summary);
    expect(summary.signature).toBe("sig-thinking");
    expect(summary.calls).toEqual(EXPECTED_CALLS);
    expect(body.stop_reason).toBe("tool_use");
    expect(body.usage).toMatchObject({
      input_tokens: 100,
      cache_read_input_tokens: 30,
      cache_creation_input_tokens: 20,
    });
  });

  it("maps stop sequences, pause_turn and redacted thinking", async () => {
    const stopped = await jsonOf<AnthropicMessage>(
      path,
      { model: "m" },
      { finish: "stop-sequence", stopSequence: "END" },
    );
    expect([stopped.stop_reason, stopped.stop_sequence]).toEqual(["stop_sequence", "END"]);
    const paused = await jsonOf<AnthropicMessage>(path, { model: "m" }, { finish: "pause" });
    expect(paused.stop_reason).toBe("pause_turn");
    const script: MockScript = { steps: [{ type: "thinking", text: "", redactedData: "opaque" }] };
    const redacted = await jsonOf<AnthropicMessage>(path, { model: "m" }, script);
    expect(redacted.content[0]).toEqual({ type: "redacted_thinking", data: "opaque" });
  });

  it("sends an overloaded error event mid-stream", async () => {
    const events = await streamOf(path, { model: "m", stream: true }, { streamError: { afterChunks: 1 } });
    expect(events.map((event) => event.event)).toEqual(["message_start", "error"]);
    expect(jsonOfEvent<AnthropicEvent>(events[1]!).error.type).toBe("overloaded_error");
  });
});

describe("gemini wire", () => {
  it("streams CRLF-framed chunks: thought parts with a signature, text, parallel whole-args calls", async () => {
    mock.enqueue(RICH);
    const response = await fetch(`${mock.url}/v1beta/models/gemini-x:streamGenerateContent?alt=sse`, {
      method: "POST",
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
    });
    const raw = await response.text();
    expect(raw.startsWith("data: {")).toBe(true);
    expect(raw.endsWith("}\r\n\r\n")).toBe(true);
    expect(raw.replace(/\r\n\r\n/g, "")).not.toMatch(/\n/);
    const chunks = parseSseText(raw).map((event) => jsonOfEvent<GeminiChunk>(event));
    const summary = readGeminiChunks(chunks);
    expect(summary.thinking).toBe("Two lookups are needed.");
    expect(summary.signature).toBe("sig-thinking");
    expect(summary.text).toBe(TEXT);
    expect(summary.calls).toEqual(EXPECTED_CALLS.map((call) => ({ ...call, id: undefined })));
    const callChunk = chunks.find(
      (chunk) => chunk.candidates[0]!.content.parts[0]!.functionCall !== undefined,
    );
    expect(callChunk!.candidates[0]!.content.parts).toHaveLength(2);
    expect(callChunk!.candidates[0]!.content.parts[0]!.thoughtSignature).toBe("gsig");
    expect(summary.finish).toBe("STOP");
    expect(summary.usage).toMatchObject({
      promptTokenCount: 150,
      cachedContentTokenCount: 30,
      candidatesTokenCount: 40,
      thoughtsTokenCount: 10,
      totalTokenCount: 200,
    });
    expect(mock.requests[0]).toMatchObject({ protocol: "gemini", stream: true, query: { alt: "sse" } });
  });

  it("answers generateContent (also under /v1/) with the same parts", async () => {
    const body = await jsonOf<GeminiChunk>("/v1/models/gemini-x:generateContent", { contents: [] }, RICH);
    const summary = readGeminiChunks([body]);
    expect(summary.text).toBe(TEXT);
    expect(summary.calls.map((call) => call.arguments)).toEqual(EXPECTED_CALLS.map((call) => call.arguments));
    expect(body.modelVersion).toBe("gemini-x");
    expect(summary.usage).toMatchObject({
      promptTokenCount: 150,
      candidatesTokenCount: 40,
      thoughtsTokenCount: 10,
    });
  });

  it("streams a JSON array without alt=sse", async () => {
    mock.enqueue({ steps: [{ type: "text", text: "one two", deltas: 2 }] });
    const response = await fetch(`${mock.url}/v1beta/models/g:streamGenerateContent`, {
      method: "POST",
      body: "{}",
    });
    const chunks = (await response.json()) as GeminiChunk[];
    expect(chunks).toHaveLength(2);
    expect(readGeminiChunks(chunks).text).toBe("one two");
  });

  it("maps finish reasons and sends an error chunk mid-stream", async () => {
    const path = "/v1beta/models/g:generateContent";
    const malformed = await jsonOf<GeminiChunk>(path, {}, { finish: "malformed-tool-call" });
    expect(malformed.candidates[0]!.finishReason).toBe("MALFORMED_FUNCTION_CALL");
    const capped = await jsonOf<GeminiChunk>(path, {}, { finish: "length" });
    expect(capped.candidates[0]!.finishReason).toBe("MAX_TOKENS");
    mock.enqueue({
      steps: [{ type: "text", text: "a b c", deltas: 3 }],
      streamError: { afterChunks: 1, status: 503 },
    });
    const response = await fetch(`${mock.url}/v1beta/models/g:streamGenerateContent?alt=sse`, {
      method: "POST",
      body: "{}",
    });
    const events = (await collectSseEvents(response)).events.map((event) => jsonOfEvent<GeminiChunk>(event));
    expect(events).toHaveLength(2);
    expect(events[1]!.error).toEqual({ code: 503, message: expect.any(String), status: "UNAVAILABLE" });
  });
});
