import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../../model/events.js";
import {
  accumulateEvents,
  decodeChunkLines,
  decodeSseText,
  readCassette,
  readChunkLines,
  splitStreams,
  testContext,
} from "./__fixtures__/fixtures.js";
import { openAiResponsesAdapter } from "./index.js";

const RESPONSES = "vercel-ai/openai/responses";
const CASSETTES = "pydantic-ai/cassettes/test_openai_responses";

/** The event types in order, with runs of deltas collapsed to one. */
function shape(events: readonly StreamEvent[]): string[] {
  const types: string[] = [];
  for (const event of events) {
    const label = "index" in event ? `${event.type}#${event.index}` : event.type;
    if (event.type.endsWith("-delta") && types[types.length - 1] === label) continue;
    types.push(label);
  }
  return types;
}

function cassetteStream(name: string, interaction = 0): StreamEvent[] {
  const recorded = readCassette(`${CASSETTES}/${name}.yaml`)[interaction];
  return decodeSseText(recorded?.bodyText ?? "");
}

describe("stream decoder: recorded OpenAI traffic (pydantic-ai cassettes)", () => {
  it("streams a function call's argument deltas and finishes with tool-calls", () => {
    const events = cassetteStream("test_openai_responses_stream");
    expect(shape(events)).toEqual([
      "response-start",
      "tool-call-start#0",
      "tool-call-delta#0",
      "tool-call-end#0",
      "usage",
      "finish",
    ]);
    expect(events[0]).toEqual({
      type: "response-start",
      id: "resp_67e554a155508191900ee113293c4c830794405d35281ae2",
      model: "gpt-4o-2024-08-06",
      created: 1743082657,
    });
    const response = accumulateEvents(events);
    expect(response.content).toEqual([
      {
        type: "tool-call",
        id: "call_kL0PCQV7M2WMoVX8V8OtYSAL",
        name: "get_capital",
        arguments: '{"country":"France"}',
      },
    ]);
    expect(response.finishReason).toBe("tool-calls");
  });

  it("streams the text answer of the second turn", () => {
    const response = accumulateEvents(cassetteStream("test_openai_responses_stream", 1));
    expect(response.content).toEqual([{ type: "text", text: "The capital of France is Paris." }]);
    expect(response.finishReason).toBe("stop");
  });

  it("reads encrypted reasoning from output_item.done and usage with reasoning tokens", () => {
    const events = cassetteStream("test_openai_responses_streaming_usage");
    const end = events.find((event) => event.type === "reasoning-end");
    expect(end?.type === "reasoning-end" && end.signature?.origin).toBe("openai-responses");
    // The value of output_item.done, not the one announced on output_item.added.
    expect(end?.type === "reasoning-end" && end.signature?.value.startsWith("gAAAAABoyXvxI6jwG5j6")).toBe(
      true,
    );
    const response = accumulateEvents(events);
    expect(response.content[1]).toEqual({
      type: "tool-call",
      id: "call_CWXgs68YprAjp6t0371hiPOI",
      name: "final_result",
      arguments: '{"result":6666}',
    });
    const usage = events.filter((event) => event.type === "usage");
    expect(usage).toHaveLength(1);
    expect(response.usage.reasoningTokens).toBeGreaterThan(0);
    expect(response.usage.outputTokens).toBeGreaterThanOrEqual(response.usage.reasoningTokens);
  });

  it("turns each reasoning summary part into its own thinking block, signature on the last", () => {
    const events = cassetteStream("test_openai_responses_thinking_part_iter");
    expect(shape(events).slice(0, 9)).toEqual([
      "response-start",
      "reasoning-start#0",
      "reasoning-delta#0",
      "reasoning-end#0",
      "reasoning-start#1",
      "reasoning-delta#1",
      "reasoning-end#1",
      "reasoning-start#2",
      "reasoning-delta#2",
    ]);
    const response = accumulateEvents(events);
    const thinking = response.content.filter((part) => part.type === "thinking");
    expect(thinking.map((part) => part.type === "thinking" && part.text.split("\n")[0])).toEqual([
      "**Providing street crossing instructions**",
      "**Explaining street crossing safety**",
      "**Sharing street crossing safety tips**",
      "**Providing safe crossing advice**",
    ]);
    expect(thinking.map((part) => part.type === "thinking" && part.signature !== undefined)).toEqual([
      false,
      false,
      false,
      true,
    ]);
    expect(response.content.at(-1)?.type).toBe("text");
  });
});

describe("stream decoder: recorded traffic (vercel-ai fixtures)", () => {
  it("streams reasoning summary, encrypted content and a tool call (first of four recorded turns)", () => {
    const [first] = splitStreams(
      readChunkLines(`${RESPONSES}/openai-reasoning-encrypted-content.1.chunks.txt`),
    );
    const response = accumulateEvents(decodeChunkLines(first ?? []));
    expect(response.content[0]).toMatchObject({
      type: "thinking",
      text: "**Calculating step-by-step using calculator**\n\nI'll compute 12 plus 7, then multiply the result by 3, and finally multiply that by 10, reporting the final product.",
      itemId: "rs_01830d662ab3856501693c321405c88190be3ab04d5782d5f9",
      signature: { origin: "openai-responses" },
    });
    expect(response.content[1]).toEqual({
      type: "tool-call",
      id: "call_AB6AaRZ1FYZB2RwS6A5vbdqn",
      name: "calculator",
      arguments: '{"a":12,"b":7,"op":"add"}',
    });
    expect(response.finishReason).toBe("tool-calls");
  });

  it("streams a custom tool's input deltas", () => {
    const events = decodeChunkLines(readChunkLines(`${RESPONSES}/openai-custom-tool.1.chunks.txt`));
    expect(events[1]).toEqual({
      type: "tool-call-start",
      index: 0,
      id: "call_custom_sql_001",
      name: "write_sql",
      kind: "custom",
    });
    expect(
      events
        .filter((event) => event.type === "tool-call-delta")
        .map((event) => event.type === "tool-call-delta" && event.arguments),
    ).toEqual(["SELECT * ", "FROM users ", "WHERE age > 25"]);
    expect(accumulateEvents(events).finishReason).toBe("tool-calls");
  });

  it("keys items by output_index when GitHub Copilot rotates item ids", () => {
    const events = decodeChunkLines(readChunkLines(`${RESPONSES}/github-copilot-id-rotation.1.chunks.txt`));
    expect(shape(events)).toEqual([
      "response-start",
      "reasoning-start#0",
      "reasoning-delta#0",
      "reasoning-end#0",
      "text-start#1",
      "text-delta#1",
      "text-end#1",
      "usage",
      "finish",
    ]);
    const response = accumulateEvents(events);
    expect(response.content[0]).toEqual({
      type: "thinking",
      text: "**Counting character occurrences**",
      itemId: "capture-id-3",
    });
    expect(response.content[1]).toEqual({
      type: "text",
      text: "There are **3** letter **“r”**s in **“strawberry.”**\n\nBreakdown: **s t r a w b e r r y**  \nYou can see **r** at positions **3, 8, and 9**.",
    });
    expect(response.usage).toEqual({
      inputTokens: 19,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 105,
      reasoningTokens: 44,
    });
  });

  it("streams raw reasoning_text and arguments that arrive only in the done event (LM Studio)", () => {
    const events = decodeChunkLines(
      readChunkLines("vercel-ai/open-responses/responses/lmstudio-tool-call.1.chunks.txt"),
    );
    const response = accumulateEvents(events);
    expect(response.content.map((part) => part.type)).toEqual(["thinking", "text", "tool-call"]);
    expect(response.content[0]).toMatchObject({ itemId: "rs_3yo6zy4vu4hq6iegqwhn1" });
    expect(
      response.content[0]?.type === "thinking" &&
        response.content[0].text.startsWith("The user is asking for the weather"),
    ).toBe(true);
    expect(response.content[1]).toEqual({
      type: "text",
      text: "I'll get the current weather information for San Francisco for you.",
    });
    expect(response.content[2]).toEqual({
      type: "tool-call",
      id: "call_2025306790300011",
      name: "weather",
      arguments: '{"location":"San Francisco"}',
    });
    expect(response.finishReason).toBe("tool-calls");
  });

  it("keeps each phase message as its own text block and completes text the deltas missed", () => {
    const response = accumulateEvents(
      decodeChunkLines(readChunkLines(`${RESPONSES}/openai-phase.1.chunks.txt`)),
    );
    expect(response.content).toHaveLength(2);
    expect(response.content[0]).toEqual({
      type: "text",
      text: "Got it — I’ll quickly check reliable, up-to-date sources for AI headlines from **today (February 25, 2026)** and then summarize the key items with links.",
    });
    expect(response.usage).toEqual({
      inputTokens: 4040,
      cacheReadTokens: 3072,
      cacheWriteTokens: 0,
      outputTokens: 463,
      reasoningTokens: 64,
    });
  });

  it("tolerates hosted tool items (web search, local shell, apply_patch, client tool search)", () => {
    for (const name of [
      "openai-web-search-tool",
      "openai-local-shell-tool",
      "openai-apply-patch-tool",
      "openai-client-tool-search",
    ]) {
      const events = decodeChunkLines(readChunkLines(`${RESPONSES}/${name}.1.chunks.txt`));
      expect(events.at(-1)).toEqual({ type: "finish", reason: "stop" });
      expect(events.some((event) => event.type === "tool-call-start" || event.type === "error")).toBe(false);
    }
    const search = accumulateEvents(
      decodeChunkLines(readChunkLines(`${RESPONSES}/openai-web-search-tool.1.chunks.txt`)),
    );
    expect(search.content.map((part) => part.type)).toEqual([...Array(7).fill("thinking"), "text"]);
    expect(search.usage.cacheReadTokens).toBe(3712);
  });

  it("reports an in-stream error that comes before any output alone, so the host can fail over", () => {
    const events = decodeChunkLines(readChunkLines(`${RESPONSES}/openai-error.1.chunks.txt`));
    expect(events).toEqual([
      {
        type: "error",
        error: {
          code: "quota_exhausted",
          status: 429,
          message:
            "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
          retryable: false,
          upstreamType: "insufficient_quota",
        },
      },
    ]);
  });

  it("unwraps a streamed multi_tool_use.parallel call, skipping the fixture's malformed frames", () => {
    // The vendored fixture's first and last lines are not valid JSON (a brace is missing).
    const events = decodeChunkLines(readChunkLines(`${RESPONSES}/parallel-tool-call-wrapper.1.chunks.txt`));
    expect(events.filter((event) => event.type === "tool-call-start")).toEqual([
      { type: "tool-call-start", index: 0, id: "call_parallel_0", name: "weather" },
      { type: "tool-call-start", index: 1, id: "call_parallel_1", name: "cityAttractions" },
    ]);
    // Its response.completed could not be read: the stream is reported incomplete, not clean.
    expect(events[0]).toMatchObject({ type: "response-start", id: "resp_1", model: "" });
    expect(events.at(-1)).toMatchObject({ type: "error", error: { code: "upstream_incomplete" } });
  });
});

describe("stream decoder: lifecycle", () => {
  function run(frames: readonly object[], close = true): StreamEvent[] {
    const events: StreamEvent[] = [];
    const decoder = openAiResponsesAdapter.createStreamDecoder(testContext(), (event) => events.push(event));
    for (const frame of frames) decoder.push({ data: JSON.stringify(frame) });
    if (close) decoder.end();
    return events;
  }

  it("emits each delta as soon as its frame arrives", () => {
    const events: StreamEvent[] = [];
    const decoder = openAiResponsesAdapter.createStreamDecoder(testContext(), (event) => events.push(event));
    decoder.push({
      data: JSON.stringify({ type: "response.created", response: { id: "r", model: "m", created_at: 5 } }),
    });
    decoder.push({
      data: JSON.stringify({
        type: "response.output_item.added",
        output_index: 0,
        item: { type: "message", id: "msg" },
      }),
    });
    decoder.push({
      data: JSON.stringify({
        type: "response.output_text.delta",
        output_index: 0,
        content_index: 0,
        delta: "He",
      }),
    });
    expect(events.at(-1)).toEqual({ type: "text-delta", index: 0, text: "He" });
  });

  it("marks a refusal part's text block as a refusal, from its first event", () => {
    const events = run([
      { type: "response.created", response: { id: "r", model: "m", created_at: 5 } },
      { type: "response.output_item.added", output_index: 0, item: { type: "message", id: "msg" } },
      {
        type: "response.content_part.added",
        output_index: 0,
        content_index: 0,
        part: { type: "refusal", refusal: "" },
      },
      { type: "response.refusal.delta", output_index: 0, content_index: 0, delta: "No." },
      { type: "response.refusal.done", output_index: 0, content_index: 0, refusal: "No." },
      {
        type: "response.completed",
        response: {
          id: "r",
          status: "completed",
          output: [{ type: "message", id: "msg", content: [{ type: "refusal", refusal: "No." }] }],
        },
      },
    ]);
    expect(events[1]).toEqual({ type: "text-start", index: 0, refusal: true });
    const response = accumulateEvents(events);
    expect(response.content).toEqual([{ type: "text", text: "No.", refusal: true }]);
    expect(response.finishReason).toBe("refusal");
  });

  it("reports a stream that closes before response.completed as upstream_incomplete", () => {
    const events = run([
      { type: "response.created", response: { id: "r", model: "m", created_at: 5 } },
      { type: "response.output_item.added", output_index: 0, item: { type: "message", id: "msg" } },
      { type: "response.output_text.delta", output_index: 0, content_index: 0, delta: "Hel" },
    ]);
    expect(events.at(-1)).toEqual({
      type: "error",
      error: {
        code: "upstream_incomplete",
        status: 502,
        message: "upstream Responses stream closed before response.completed",
        retryable: true,
      },
    });
    expect(events.some((event) => event.type === "finish")).toBe(false);
  });

  it("reports an error that comes first without a start, so the host can still fail over", () => {
    const events = run([{ type: "error", code: "rate_limit_exceeded", message: "slow down", param: null }]);
    expect(events).toEqual([
      {
        type: "error",
        error: {
          code: "rate_limited",
          status: 429,
          message: "slow down",
          retryable: true,
          upstreamType: "rate_limit_exceeded",
        },
      },
    ]);
  });

  it("turns response.failed into an error and response.incomplete into a length finish", () => {
    const failed = run([
      { type: "response.created", response: { id: "r", model: "m" } },
      {
        type: "response.failed",
        response: { status: "failed", error: { code: "server_error", message: "oops" } },
      },
    ]);
    expect(failed.at(-1)).toMatchObject({
      type: "error",
      error: { code: "upstream_error", message: "oops" },
    });
    const cut = run([
      { type: "response.created", response: { id: "r", model: "m" } },
      {
        type: "response.incomplete",
        response: {
          status: "incomplete",
          incomplete_details: { reason: "max_output_tokens" },
          output: [{ type: "message", id: "m1", content: [{ type: "output_text", text: "trunc" }] }],
          usage: { input_tokens: 3, output_tokens: 4 },
        },
      },
    ]);
    expect(shape(cut)).toEqual([
      "response-start",
      "text-start#0",
      "text-delta#0",
      "text-end#0",
      "usage",
      "finish",
    ]);
    expect(cut.at(-1)).toEqual({ type: "finish", reason: "length" });
  });

  it("synthesizes the start when the first frame is not response.created, and ignores unknown events", () => {
    const events = run([
      {
        type: "response.output_item.added",
        output_index: 0,
        item: { type: "function_call", name: "f", arguments: "" },
      },
      { type: "response.some_future_event", output_index: 0 },
      {
        type: "response.output_item.done",
        output_index: 0,
        item: { type: "function_call", name: "f", arguments: "" },
      },
      { type: "response.completed", response: { status: "completed" } },
    ]);
    expect(events).toEqual([
      { type: "response-start", id: "resp_1", model: "", created: Math.floor(testContext().now() / 1000) },
      { type: "tool-call-start", index: 0, id: "call_2", name: "f" },
      { type: "tool-call-end", index: 0 },
      { type: "finish", reason: "tool-calls" },
    ]);
    expect(accumulateEvents(events).content).toEqual([
      { type: "tool-call", id: "call_2", name: "f", arguments: "{}" },
    ]);
  });

  it("decodes frames named only by their SSE event name, starting with what response.created said", () => {
    const frames = [
      { type: "response.created", response: { id: "r", model: "m", created_at: 1 } },
      { type: "response.output_item.added", output_index: 0, item: { type: "message", id: "msg" } },
      { type: "response.output_text.delta", output_index: 0, content_index: 0, delta: "hi" },
      { type: "response.completed", response: { id: "r", status: "completed" } },
    ];
    const sse = frames
      .map(({ type, ...rest }) => `event: ${type}\ndata: ${JSON.stringify(rest)}\n\n`)
      .join("");
    const events = decodeSseText(sse);
    expect(events[0]).toEqual({ type: "response-start", id: "r", model: "m", created: 1 });
    expect(accumulateEvents(events).content).toEqual([{ type: "text", text: "hi" }]);
    expect(events.at(-1)).toEqual({ type: "finish", reason: "stop" });
  });
});
