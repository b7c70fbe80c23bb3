import { describe, expect, it } from "vitest";
import { accumulate, createSnapshot } from "../../model/accumulate.js";
import type { StreamEvent } from "../../model/events.js";
import type { CanonicalResponse } from "../../model/response.js";
import {
  chunksToSse,
  decodeStream,
  fixtureText,
  parseJson,
  textOf,
  vercelSse,
} from "./__fixtures__/support.js";

function accumulateAll(events: StreamEvent[]): CanonicalResponse {
  const snapshot = createSnapshot();
  for (const event of events) accumulate(event, snapshot);
  return snapshot.response;
}

function types(events: StreamEvent[]): string[] {
  return events.map((event) => event.type);
}

function pydanticSse(name: string): string {
  return fixtureText(`pydantic-ai/extracted/test_anthropic/${name}/01-response.sse`);
}

/** Every block follows start -> delta* -> end with unique increasing indexes; finish comes last, once. */
function expectWellFormed(events: StreamEvent[]): void {
  expect(events[0]?.type).toBe("response-start");
  const open = new Set<number>();
  let lastIndex = -1;
  let finishes = 0;
  for (const event of events) {
    if (event.type.endsWith("-start") && "index" in event) {
      expect(event.index).toBeGreaterThan(lastIndex);
      lastIndex = event.index;
      open.add(event.index);
    } else if (event.type.endsWith("-end") && "index" in event) {
      expect(open.delete(event.index)).toBe(true);
    } else if ((event.type.endsWith("-delta") || event.type === "usage") && "index" in event) {
      expect(open.has(event.index)).toBe(true);
    }
    if (event.type === "finish") {
      finishes++;
      expect(open.size).toBe(0);
    }
  }
  expect(finishes).toBe(1);
  expect(events[events.length - 1]?.type).toBe("finish");
}

describe("anthropic stream decoder on vercel-ai recordings", () => {
  it("decodes plain text with usage and a stop", () => {
    const events = decodeStream(vercelSse("anthropic-text"));
    expectWellFormed(events);
    expect(events[0]).toEqual({
      type: "response-start",
      id: "msg_01QC4g3HwBThD4BaNtBckFDJ",
      model: "claude-sonnet-4-5-20250929",
      created: 1_750_000_000,
    });
    expect(textOf(events)).toBe(
      "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?",
    );
    const response = accumulateAll(events);
    expect(response.finishReason).toBe("stop");
    expect(response.usage).toEqual({
      inputTokens: 12,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 30,
      reasoningTokens: 0,
    });
    // usage from message_start arrives before the first block, the final one before finish
    expect(types(events).slice(0, 3)).toEqual(["response-start", "usage", "text-start"]);
    expect(types(events).slice(-2)).toEqual(["usage", "finish"]);
  });

  it("emits each text delta as its own event (no buffering)", () => {
    const events = decodeStream(vercelSse("anthropic-text"));
    expect(events.filter((event) => event.type === "text-delta").map((event) => event.text)).toEqual([
      "Hello",
      "! I",
      "'m doing well, thank you for asking",
      ". How are you doing today?",
      " Is",
      " there anything I can help you with?",
    ]);
  });

  it("decodes thinking with its signature, then text", () => {
    const events = decodeStream(vercelSse("anthropic-clear-thinking.1"));
    expectWellFormed(events);
    const response = accumulateAll(events);
    expect(response.content).toHaveLength(2);
    const thinking = response.content[0];
    expect(thinking?.type).toBe("thinking");
    if (thinking?.type !== "thinking") return;
    expect(thinking.text).toBe(
      "The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185",
    );
    expect(thinking.signature?.origin).toBe("anthropic");
    expect(thinking.signature?.value.startsWith("EvQBCkYICxgCKkAxhD4NUKFz")).toBe(true);
    expect(response.content[1]).toEqual({ type: "text", text: "925 ÷ 5 = 185" });
    expect(response.usage.outputTokens).toBe(53);
    // the empty final thinking_delta produces no event
    expect(events.some((event) => event.type === "reasoning-delta" && event.text === "")).toBe(false);
  });

  it("decodes a streamed tool call: id and name first, argument fragments, tool-calls finish", () => {
    const events = decodeStream(vercelSse("anthropic-json-tool.1"));
    expectWellFormed(events);
    expect(events.find((event) => event.type === "tool-call-start")).toEqual({
      type: "tool-call-start",
      index: 0,
      id: "toolu_01KFbKqPYSuAKujiL6mTfzYA",
      name: "json",
    });
    const deltas = events.filter((event) => event.type === "tool-call-delta");
    expect(deltas).toHaveLength(2);
    const response = accumulateAll(events);
    const call = response.content[0];
    expect(call?.type === "tool-call" && parseJson(call.arguments)).toEqual({
      elements: [{ location: "San Francisco", temperature: 58, condition: "sunny" }],
    });
    expect(response.finishReason).toBe("tool-calls");
  });

  it('gives a tool call without arguments "{}" (never "")', () => {
    const events = decodeStream(vercelSse("anthropic-tool-no-args"));
    expectWellFormed(events);
    expect(events.filter((event) => event.type === "tool-call-delta")).toEqual([
      { type: "tool-call-delta", index: 1, arguments: "{}" },
    ]);
    const response = accumulateAll(events);
    expect(response.content).toEqual([
      { type: "text", text: "I'll update the issue list for you." },
      { type: "tool-call", id: "toolu_01QE1WLsSVp5hy5Q3GmGTmjP", name: "updateIssueList", arguments: "{}" },
    ]);
  });

  it("decodes a refusal with no content", () => {
    const events = decodeStream(vercelSse("anthropic-refusal"));
    expectWellFormed(events);
    const response = accumulateAll(events);
    expect(response.content).toEqual([]);
    expect(response.finishReason).toBe("refusal");
    expect(response.usage.inputTokens).toBe(18);
    expect(response.usage.outputTokens).toBe(5);
  });

  it("takes the input tokens a host repeats in message_delta as the latest total", () => {
    const events = decodeStream(vercelSse("anthropic-message-delta-input-tokens"));
    expectWellFormed(events);
    expect(textOf(events)).toBe("pong");
    const usages = events.filter((event) => event.type === "usage").map((event) => event.usage.inputTokens);
    expect(usages).toEqual([43, 61]);
  });

  it("ignores a duplicate message_start for the same message", () => {
    const events = decodeStream(vercelSse("duplicate-message-start"));
    expectWellFormed(events);
    expect(events.filter((event) => event.type === "response-start")).toHaveLength(1);
    expect(textOf(events)).toBe("Hello, World!");
    const response = accumulateAll(events);
    expect(response.usage.inputTokens).toBe(17);
    expect(response.usage.outputTokens).toBe(227);
  });

  it("fails a stream into which a second message was spliced, without a finish", () => {
    const events = decodeStream(vercelSse("spliced-message-start"));
    const error = events.find((event) => event.type === "error");
    expect(error?.type === "error" && error.error.code).toBe("upstream_error");
    expect(events.some((event) => event.type === "finish")).toBe(false);
    expect(events.some((event) => event.type === "tool-call-start" && event.id === "toolu_second")).toBe(
      false,
    );
    expect(events[events.length - 1]?.type).toBe("error");
  });

  it("skips server tool blocks and citations of a web search answer, keeping its text", () => {
    const events = decodeStream(vercelSse("anthropic-web-search-tool.1"));
    expectWellFormed(events);
    expect(events.some((event) => event.type === "tool-call-start")).toBe(false);
    const response = accumulateAll(events);
    expect(response.content.every((part) => part.type === "text")).toBe(true);
    const text = textOf(events);
    expect(text.startsWith("Based on my search results, here are the key tech news developments")).toBe(true);
    expect(text.endsWith("marking over 20 years since their first international retail expansion.")).toBe(
      true,
    );
    expect(response.usage.inputTokens).toBe(15665);
    expect(response.usage.outputTokens).toBe(795);
    expect(response.finishReason).toBe("stop");
  });

  it("tolerates an unknown block type (fallback) before the text", () => {
    const events = decodeStream(vercelSse("anthropic-fallback"));
    expectWellFormed(events);
    expect(accumulateAll(events).content).toEqual([
      { type: "text", text: "The printing press was invented by Johannes Gutenberg around 1440." },
    ]);
    expect(events.find((event) => event.type === "text-start")).toEqual({ type: "text-start", index: 0 });
  });

  it("decodes each turn of the tool-search recording, skipping server tool use and tool references", () => {
    const streams = fixtureText("vercel-ai/anthropic/anthropic-tool-search-deferred-bm25.chunks.txt")
      .split(/(?<="message_stop"\}\n)/)
      .filter((chunk) => chunk.trim() !== "");
    expect(streams).toHaveLength(3);
    const [first, second, third] = streams.map((chunk) => accumulateAll(decodeStream(chunksToSse(chunk))));
    expect(first?.content.map((part) => part.type)).toEqual(["text", "tool-call"]);
    const read = first?.content[1];
    expect(read?.type === "tool-call" && read.name).toBe("readNoteTree");
    expect(read?.type === "tool-call" && parseJson(read.arguments)).toEqual({
      noteId: "d10aa585-982b-4bd9-984e-420f9b3717f7",
    });
    expect(first?.finishReason).toBe("tool-calls");
    expect(second?.content.map((part) => part.type)).toEqual(["text", "tool-call"]);
    const edit = second?.content[1];
    expect(edit?.type === "tool-call" && edit.id).toBe("toolu_01QoRrvXNv6w4vZSyo9cnxP2");
    expect(
      edit?.type === "tool-call" && (parseJson(edit.arguments) as { operations: unknown[] }).operations,
    ).toEqual([
      { op: "insert_node", type: "bulletedListItem", text: "bye", at: { type: "path", path: [1] } },
    ]);
    expect(third?.content.map((part) => part.type)).toEqual(["text"]);
    expect(third?.usage.outputTokens).toBe(95);
  });

  it("stops at the first message_stop of concatenated streams", () => {
    const events = decodeStream(vercelSse("anthropic-tool-search-deferred-bm25"));
    expect(events.filter((event) => event.type === "finish")).toHaveLength(1);
    expect(events.filter((event) => event.type === "response-start")).toHaveLength(1);
  });

  it("finishes at message_stop when no message_delta came (context-editing recording)", () => {
    const events = decodeStream(vercelSse("anthropic-combined-context-editing.1"));
    expectWellFormed(events);
    const response = accumulateAll(events);
    expect(response.content.map((part) => part.type)).toEqual(["thinking", "text"]);
    const thinking = response.content[0];
    expect(
      thinking?.type === "thinking" && thinking.signature?.value.startsWith("EtQFCkYICxgCKkC6mX3q"),
    ).toBe(true);
    expect(response.finishReason).toBe("stop");
  });
});

describe("anthropic stream decoder on pydantic-ai cassettes (padded JSON)", () => {
  it("decodes thinking, signature and text from whitespace-padded data lines", () => {
    const events = decodeStream(pydanticSse("test_anthropic_model_thinking_part_stream"));
    expectWellFormed(events);
    const response = accumulateAll(events);
    expect(response.content.map((part) => part.type)).toEqual(["thinking", "text"]);
    const thinking = response.content[0];
    expect(
      thinking?.type === "thinking" &&
        thinking.text.startsWith("This is a straightforward question about pedestrian safety."),
    ).toBe(true);
    expect(
      thinking?.type === "thinking" && thinking.signature?.value.startsWith("EvMCCkYICxgCKkCHP2cSuEdc"),
    ).toBe(true);
    expect(response.usage).toMatchObject({ inputTokens: 43, outputTokens: 282 });
    expect(response.model).toBe("claude-sonnet-4-20250514");
  });

  it("decodes redacted thinking blocks with their data", () => {
    const events = decodeStream(pydanticSse("test_anthropic_model_thinking_part_redacted_stream"));
    expectWellFormed(events);
    const response = accumulateAll(events);
    expect(response.content.map((part) => part.type)).toEqual(["thinking", "thinking", "text"]);
    const first = response.content[0];
    expect(
      first?.type === "thinking" && first.redactedData?.startsWith("EqkECkYIBxgCKkA8AZ4noDfV5VcOJe"),
    ).toBe(true);
    const second = response.content[1];
    expect(
      second?.type === "thinking" && second.redactedData?.startsWith("EtgBCkYIBxgCKkDQfGkwzflEJP5as"),
    ).toBe(true);
    expect(
      response.content[2]?.type === "text" &&
        response.content[2].text.startsWith("I notice that you've sent"),
    ).toBe(true);
    expect(response.finishReason).toBe("stop");
  });

  it("skips MCP tool blocks and keeps the thinking signature and text", () => {
    const events = decodeStream(pydanticSse("test_anthropic_mcp_servers_stream"));
    expectWellFormed(events);
    const response = accumulateAll(events);
    expect(response.content.map((part) => part.type)).toEqual(["thinking", "text"]);
    const thinking = response.content[0];
    expect(
      thinking?.type === "thinking" && thinking.signature?.value.startsWith("EuoCCkYICBgCKkDPqznnPHup"),
    ).toBe(true);
    expect(response.usage).toMatchObject({ inputTokens: 3042, outputTokens: 354 });
  });

  it("decodes the short high-max-tokens stream", () => {
    const events = decodeStream(pydanticSse("test_request_stream_fallback_for_high_max_tokens"));
    expectWellFormed(events);
    expect(textOf(events)).toBe("2");
    expect(accumulateAll(events).usage).toMatchObject({ inputTokens: 20, outputTokens: 5 });
  });
});

describe("anthropic stream decoder edge cases", () => {
  const head = vercelSse("anthropic-text").split("event: message_delta")[0] ?? "";

  it("turns an in-stream error event into an error, with no finish", () => {
    const sse = `${head}event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n`;
    const events = decodeStream(sse);
    const last = events[events.length - 1];
    expect(last?.type).toBe("error");
    if (last?.type !== "error") return;
    expect(last.error).toMatchObject({
      code: "overloaded",
      status: 529,
      message: "Overloaded",
      retryable: true,
    });
    expect(events.some((event) => event.type === "finish")).toBe(false);
  });

  it("reports upstream_incomplete when the stream ends before any stop reason", () => {
    const events = decodeStream(head);
    const last = events[events.length - 1];
    expect(last?.type === "error" && last.error.code).toBe("upstream_incomplete");
    expect(events.some((event) => event.type === "finish")).toBe(false);
  });

  it("finishes when message_delta came but message_stop did not", () => {
    const sse = vercelSse("anthropic-text").split("event: message_stop")[0] ?? "";
    const events = decodeStream(sse);
    expectWellFormed(events);
    expect(events[events.length - 1]).toEqual({ type: "finish", reason: "stop" });
  });

  it("reports an empty upstream stream as incomplete", () => {
    expect(decodeStream("")).toEqual([
      {
        type: "error",
        error: {
          code: "upstream_incomplete",
          status: 502,
          message: "upstream stream ended before the message was complete",
          retryable: true,
        },
      },
    ]);
  });

  it("synthesizes response-start when the first frame is not message_start", () => {
    const sse =
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}\n\n' +
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"END"},"usage":{"output_tokens":3}}\n\n' +
      'event: message_stop\ndata: {"type":"message_stop"}\n\n';
    const events = decodeStream(sse);
    expectWellFormed(events);
    expect(events[0]).toEqual({ type: "response-start", id: "msg_test1", model: "", created: 1_750_000_000 });
    expect(events[events.length - 1]).toEqual({
      type: "finish",
      reason: "stop-sequence",
      stopSequence: "END",
    });
  });

  it("uses tool input given whole in content_block_start when no deltas follow", () => {
    const sse =
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","model":"m","usage":{"input_tokens":1,"output_tokens":0}}}\n\n' +
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"f","input":{"a":1}}}\n\n' +
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":3}}\n\n' +
      'event: message_stop\ndata: {"type":"message_stop"}\n\n';
    const response = accumulateAll(decodeStream(sse));
    expect(response.content).toEqual([{ type: "tool-call", id: "toolu_1", name: "f", arguments: '{"a":1}' }]);
  });
});
