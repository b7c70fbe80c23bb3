import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseJsonOrThrow } from "../core/json/safe-parse.js";
import { collectSseEvents, type ReceivedEvent } from "./collect-sse-events.js";
import { RICH_CALLS as EXPECTED_CALLS, RICH_SCRIPT as RICH, RICH_TEXT as TEXT } from "./sample-scripts.js";
import type { MockScript } from "./script.js";
import { type MockUpstream, startMockUpstream } from "./server.js";

/**
 * The OpenAI wire output (Chat Completions, Responses) read back by small independent
 * readers, stream and non-stream, so both paths are checked to carry the same answer.
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
interface ChatToolDelta {
  index: number;
  id?: string;
  type?: string;
  function: { name?: string; arguments: string };
}
interface ChatChunk {
  model: string;
  usage?: object | null;
  choices: {
    delta: { content?: string | null; reasoning_content?: string; tool_calls?: ChatToolDelta[] };
    finish_reason: string | null;
  }[];
  error?: { type: string };
}
interface ChatCompletion {
  object: string;
  choices: {
    message: {
      content: string | null;
      refusal: string | null;
      reasoning_content?: string;
      tool_calls: { id: string; function: { name: string; arguments: string } }[];
    };
    finish_reason: string;
  }[];
  usage: { prompt_tokens: number; prompt_tokens_details: { cached_tokens: number } };
}
interface ResponsesItem {
  type: string;
  content: { text: string }[];
  summary: { text: string }[];
  encrypted_content?: string;
  call_id: string;
  name: string;
  arguments: string;
}
interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
}
interface ResponseObject {
  object: string;
  status: string;
  output: ResponsesItem[];
  usage: ResponsesUsage;
  incomplete_details: object | null;
}
interface ResponsesEvent {
  type: string;
  sequence_number: number;
  output_index: number;
  delta: string;
  item: ResponsesItem;
  response: ResponseObject;
  error: object;
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

function readChatStream(
  events: ReceivedEvent[],
): Summary & { done: boolean; idsOnFirstFragmentOnly: boolean } {
  const summary = { ...emptySummary(), done: false, idsOnFirstFragmentOnly: true };
  const args = new Map<number, string>();
  for (const event of events) {
    if (event.data === "[DONE]") {
      summary.done = true;
      continue;
    }
    const chunk = jsonOfEvent<ChatChunk>(event);
    if (chunk.usage) summary.usage = chunk.usage;
    const choice = chunk.choices[0];
    if (choice === undefined) continue;
    if (choice.finish_reason) summary.finish = choice.finish_reason;
    summary.text += choice.delta.content ?? "";
    summary.thinking += choice.delta.reasoning_content ?? "";
    for (const call of choice.delta.tool_calls ?? []) {
      if (call.id !== undefined) {
        if (args.has(call.index)) summary.idsOnFirstFragmentOnly = false;
        summary.calls[call.index] = { id: call.id, name: call.function.name ?? "", arguments: undefined };
        args.set(call.index, "");
      } else if (call.function.name !== undefined) {
        summary.idsOnFirstFragmentOnly = false;
      }
      args.set(call.index, (args.get(call.index) ?? "") + call.function.arguments);
    }
  }
  for (const [index, text] of args) summary.calls[index]!.arguments = parseJsonOrThrow(text, "upstream");
  return summary;
}

function readResponsesOutput(output: ResponsesItem[], summary: Summary): void {
  for (const item of output) {
    if (item.type === "message") summary.text += item.content[0]!.text;
    if (item.type === "reasoning") {
      summary.thinking += item.summary[0]?.text ?? "";
      summary.signature = item.encrypted_content;
    }
    if (item.type === "function_call") {
      summary.calls.push({
        id: item.call_id,
        name: item.name,
        arguments: parseJsonOrThrow(item.arguments, "upstream"),
      });
    }
  }
}

function flattenUsage(usage: ResponsesUsage): object {
  return {
    input: usage.input_tokens,
    cached: usage.input_tokens_details.cached_tokens,
    output: usage.output_tokens,
    reasoning: usage.output_tokens_details.reasoning_tokens,
  };
}

function readResponsesStream(events: ReceivedEvent[]): Summary & { deltaText: string; deltaArgs: string[] } {
  const summary = { ...emptySummary(), deltaText: "", deltaArgs: [] as string[] };
  const done: ResponsesItem[] = [];
  events.forEach((event, index) => {
    const payload = jsonOfEvent<ResponsesEvent>(event);
    expect(event.event).toBe(payload.type);
    expect(payload.sequence_number).toBe(index);
    if (payload.type === "response.output_text.delta") summary.deltaText += payload.delta;
    if (payload.type === "response.function_call_arguments.delta") {
      summary.deltaArgs[payload.output_index] =
        (summary.deltaArgs[payload.output_index] ?? "") + payload.delta;
    }
    if (payload.type === "response.output_item.done") done[payload.output_index] = payload.item;
    if (payload.type === "response.completed") {
      summary.finish = payload.response.status;
      summary.usage = flattenUsage(payload.response.usage);
    }
  });
  readResponsesOutput(done, summary);
  return summary;
}

const CHAT = "/v1/chat/completions";
describe("openai-chat wire", () => {
  it("streams text, reasoning_content and parallel tool calls by index, then usage and [DONE]", async () => {
    const body = { model: "gpt-x", stream: true, stream_options: { include_usage: true } };
    const events = await streamOf(CHAT, body, RICH);
    const summary = readChatStream(events);
    expect(summary.done).toBe(true);
    expect(summary.text).toBe(TEXT);
    expect(summary.thinking).toBe("Two lookups are needed.");
    expect(summary.calls).toEqual(EXPECTED_CALLS);
    expect(summary.idsOnFirstFragmentOnly).toBe(true);
    expect(summary.finish).toBe("tool_calls");
    expect(summary.usage).toMatchObject({
      prompt_tokens: 150,
      completion_tokens: 50,
      total_tokens: 200,
      prompt_tokens_details: { cached_tokens: 30 },
      completion_tokens_details: { reasoning_tokens: 10 },
    });
    const firstCall = events.filter(
      (event) => jsonOfEvent<ChatChunk>(event)?.choices?.[0]?.delta.tool_calls?.[0]?.index === 0,
    );
    expect(firstCall).toHaveLength(5); // the start, then 4 argument fragments
    expect(jsonOfEvent<ChatChunk>(events[0]!).model).toBe("gpt-x");
    // The finish chunk precedes the usage chunk, which precedes [DONE].
    expect(jsonOfEvent<ChatChunk>(events.at(-3)!).choices[0]!.finish_reason).toBe("tool_calls");
    expect(jsonOfEvent<ChatChunk>(events.at(-2)!).choices).toEqual([]);
  });

  it("sends no usage chunk unless stream_options.include_usage is set", async () => {
    const events = await streamOf(
      CHAT,
      { model: "m", stream: true },
      { steps: [{ type: "text", text: "hi" }] },
    );
    expect(events.some((event) => jsonOfEvent<ChatChunk | undefined>(event)?.usage !== undefined)).toBe(
      false,
    );
    expect(events.at(-1)!.data).toBe("[DONE]");
  });

  it("interleaves parallel argument fragments when asked, still routable by index", async () => {
    const calls = [
      { name: "get_weather", arguments: { city: "Paris", units: "metric" }, fragments: 4, id: "call_A" },
      { name: "get_time", arguments: { zone: "CET" }, fragments: 2, id: "call_B" },
    ];
    const script: MockScript = { steps: [{ type: "tool-calls", calls, interleave: true }] };
    const events = await streamOf(CHAT, { model: "m", stream: true }, script);
    const indexes = events.flatMap(
      (event) =>
        jsonOfEvent<ChatChunk | undefined>(event)?.choices[0]?.delta.tool_calls?.map((call) => call.index) ??
        [],
    );
    expect(indexes.slice(0, 4)).toEqual([0, 1, 0, 1]);
    expect(readChatStream(events).calls).toEqual(EXPECTED_CALLS);
  });

  it("answers non-stream with the same content as the stream", async () => {
    const body = await jsonOf<ChatCompletion>(CHAT, { model: "gpt-x" }, RICH);
    expect(body.object).toBe("chat.completion");
    const message = body.choices[0]!.message;
    expect(message.content).toBe(TEXT);
    expect(message.reasoning_content).toBe("Two lookups are needed.");
    const calls = message.tool_calls.map((call) => ({
      id: call.id,
      name: call.function.name,
      arguments: parseJsonOrThrow(call.function.arguments, "upstream"),
    }));
    expect(calls).toEqual(EXPECTED_CALLS);
    expect(body.choices[0]!.finish_reason).toBe("tool_calls");
    expect(body.usage.prompt_tokens).toBe(150);
    expect(body.usage.prompt_tokens_details.cached_tokens).toBe(30);
  });

  it("maps finish reasons and puts a refusal in message.refusal", async () => {
    const cut = await jsonOf<ChatCompletion>(CHAT, { model: "m" }, { finish: "length" });
    expect(cut.choices[0]!.finish_reason).toBe("length");
    const filtered = await jsonOf<ChatCompletion>(CHAT, { model: "m" }, { finish: "content-filter" });
    expect(filtered.choices[0]!.finish_reason).toBe("content_filter");
    const script: MockScript = { steps: [{ type: "text", text: "I can't help." }], finish: "refusal" };
    const refusal = await jsonOf<ChatCompletion>(CHAT, { model: "m" }, script);
    expect(refusal.choices[0]!.message.content).toBe(null);
    expect(refusal.choices[0]!.message.refusal).toBe("I can't help.");
  });

  it("sends an error object in a data frame mid-stream and no [DONE]", async () => {
    const script: MockScript = {
      steps: [{ type: "text", text: "a b c d", deltas: 4 }],
      streamError: { afterChunks: 2 },
    };
    const events = await streamOf(CHAT, { model: "m", stream: true }, script);
    expect(events).toHaveLength(3);
    expect(jsonOfEvent<ChatChunk>(events[2]!).error).toMatchObject({ type: "server_error" });
    expect(events.some((event) => event.data === "[DONE]")).toBe(false);
  });
});

describe("openai-responses wire", () => {
  const path = "/v1/responses";
  it("streams reasoning (encrypted_content on output_item.done), text and function calls with sequence numbers", async () => {
    const events = await streamOf(path, { model: "gpt-5", stream: true, input: "hi" }, RICH);
    const summary = readResponsesStream(events);
    const payloads = events.map((event) => jsonOfEvent<ResponsesEvent>(event));
    expect(payloads.slice(0, 2).map((payload) => payload.type)).toEqual([
      "response.created",
      "response.in_progress",
    ]);
    expect(summary.text).toBe(TEXT);
    expect(summary.deltaText).toBe(TEXT);
    expect(summary.thinking).toBe("Two lookups are needed.");
    expect(summary.signature).toBe("enc-reasoning");
    expect(summary.calls).toEqual(EXPECTED_CALLS);
    expect(
      summary.deltaArgs
        .filter((text) => text !== undefined)
        .map((text) => parseJsonOrThrow(text, "upstream")),
    ).toEqual([{ city: "Paris", units: "metric" }, { zone: "CET" }]);
    expect(summary.finish).toBe("completed");
    expect(summary.usage).toEqual({ input: 150, cached: 30, output: 50, reasoning: 10 });
    const added = payloads.find(
      (payload) => payload.type === "response.output_item.added" && payload.item.type === "reasoning",
    );
    expect(added?.item.encrypted_content).toBeUndefined();
  });

  it("answers non-stream with the same output items", async () => {
    const body = await jsonOf<ResponseObject>(path, { model: "gpt-5", input: "hi" }, RICH);
    expect([body.object, body.status]).toEqual(["response", "completed"]);
    const summary = emptySummary();
    readResponsesOutput(body.output, summary);
    expect(summary.text).toBe(TEXT);
    expect(summary.signature).toBe("enc-reasoning");
    expect(summary.calls).toEqual(EXPECTED_CALLS);
    expect(flattenUsage(body.usage)).toEqual({ input: 150, cached: 30, output: 50, reasoning: 10 });
  });

  it("reports a length finish as incomplete with max_output_tokens", async () => {
    const events = await streamOf(path, { model: "m", stream: true }, { finish: "length" });
    const last = jsonOfEvent<ResponsesEvent>(events.at(-1)!);
    expect(last.type).toBe("response.incomplete");
    expect(last.response.incomplete_details).toEqual({ reason: "max_output_tokens" });
  });

  it("sends an error event and response.failed mid-stream", async () => {
    const events = await streamOf(
      path,
      { model: "m", stream: true },
      { streamError: { afterChunks: 3, status: 429 } },
    );
    expect(events.map((event) => event.event)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "error",
      "response.failed",
    ]);
    const error = jsonOfEvent<ResponsesEvent>(events[3]!);
    expect(error.sequence_number).toBe(3);
    expect(error.error).toMatchObject({ type: "requests", code: "rate_limit_exceeded" });
    expect(jsonOfEvent<ResponsesEvent>(events[4]!).response.status).toBe("failed");
  });
});
