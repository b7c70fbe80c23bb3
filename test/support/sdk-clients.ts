import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import type { ResponseStreamParams } from "openai/lib/responses/ResponseStream";

/** What a client saw, normalized across the four official SDKs. */
export interface ClientView {
  model: string | undefined;
  text: string;
  thinking: string;
  toolCalls: { id: string | undefined; name: string; arguments: unknown }[];
  finish: string | undefined;
  usage: { input: number; cacheRead: number; output: number };
}

export interface Turn {
  user: string;
  /** Offer these tools (name -> JSON schema of the arguments). */
  tools?: Record<string, Record<string, unknown>>;
  reasoning?: boolean;
  /** Earlier turn: one assistant tool call and its result, before `user`. */
  toolHistory?: { id: string; name: string; arguments: Record<string, unknown>; result: string };
}

export type ClientProtocol = "openai-chat" | "openai-responses" | "anthropic" | "gemini";

function parseArguments(text: string | undefined): unknown {
  return text === undefined || text === "" ? {} : (JSON.parse(text) as unknown);
}

async function viaChat(baseUrl: string, model: string, turn: Turn, stream: boolean): Promise<ClientView> {
  const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: "test-key", maxRetries: 0 });
  const messages: OpenAI.ChatCompletionMessageParam[] = [];
  if (turn.toolHistory !== undefined) {
    const call = turn.toolHistory;
    messages.push({ role: "user", content: "start" });
    messages.push({
      role: "assistant",
      content: null,
      tool_calls: [
        {
          id: call.id,
          type: "function",
          function: { name: call.name, arguments: JSON.stringify(call.arguments) },
        },
      ],
    });
    messages.push({ role: "tool", tool_call_id: call.id, content: call.result });
  }
  messages.push({ role: "user", content: turn.user });
  const params: OpenAI.ChatCompletionCreateParamsNonStreaming = { model, messages };
  if (turn.tools !== undefined) {
    params.tools = Object.entries(turn.tools).map(([name, parameters]) => ({
      type: "function",
      function: { name, parameters },
    }));
  }
  if (turn.reasoning === true) params.reasoning_effort = "medium";
  const completion = stream
    ? await client.chat.completions
        .stream({ ...params, stream: true, stream_options: { include_usage: true } })
        .finalChatCompletion()
    : await client.chat.completions.create(params);
  const choice = completion.choices[0]!;
  const message = choice.message as typeof choice.message & { reasoning_content?: string };
  return {
    model: completion.model,
    text: message.content ?? "",
    thinking: message.reasoning_content ?? "",
    toolCalls: (message.tool_calls ?? []).map((call) =>
      call.type === "function"
        ? { id: call.id, name: call.function.name, arguments: parseArguments(call.function.arguments) }
        : { id: call.id, name: "custom", arguments: {} },
    ),
    finish: choice.finish_reason,
    usage: {
      input: completion.usage?.prompt_tokens ?? -1,
      cacheRead: completion.usage?.prompt_tokens_details?.cached_tokens ?? 0,
      output: completion.usage?.completion_tokens ?? -1,
    },
  };
}

async function viaResponses(
  baseUrl: string,
  model: string,
  turn: Turn,
  stream: boolean,
): Promise<ClientView> {
  const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: "test-key", maxRetries: 0 });
  const input: OpenAI.Responses.ResponseInputItem[] = [];
  if (turn.toolHistory !== undefined) {
    const call = turn.toolHistory;
    input.push({ role: "user", content: "start" });
    input.push({
      type: "function_call",
      call_id: call.id,
      name: call.name,
      arguments: JSON.stringify(call.arguments),
    });
    input.push({ type: "function_call_output", call_id: call.id, output: call.result });
  }
  input.push({ role: "user", content: turn.user });
  const params: OpenAI.Responses.ResponseCreateParamsNonStreaming = { model, input };
  if (turn.tools !== undefined) {
    params.tools = Object.entries(turn.tools).map(([name, parameters]) => ({
      type: "function",
      name,
      parameters,
      strict: false,
    }));
  }
  if (turn.reasoning === true) params.reasoning = { effort: "medium", summary: "auto" };
  const response = stream
    ? await client.responses.stream(params as ResponseStreamParams).finalResponse()
    : await client.responses.create(params);
  const toolCalls: ClientView["toolCalls"] = [];
  let thinking = "";
  for (const item of response.output) {
    if (item.type === "function_call")
      toolCalls.push({ id: item.call_id, name: item.name, arguments: parseArguments(item.arguments) });
    if (item.type === "reasoning") thinking += item.summary.map((part) => part.text).join("");
  }
  return {
    model: response.model,
    text: response.output_text,
    thinking,
    toolCalls,
    finish: response.status ?? undefined,
    usage: {
      input: response.usage?.input_tokens ?? -1,
      cacheRead: response.usage?.input_tokens_details?.cached_tokens ?? 0,
      output: response.usage?.output_tokens ?? -1,
    },
  };
}

async function viaAnthropic(
  baseUrl: string,
  model: string,
  turn: Turn,
  stream: boolean,
): Promise<ClientView> {
  const client = new Anthropic({ baseURL: baseUrl, apiKey: "test-key", maxRetries: 0 });
  const messages: Anthropic.MessageParam[] = [];
  if (turn.toolHistory !== undefined) {
    const call = turn.toolHistory;
    messages.push({ role: "user", content: "start" });
    messages.push({
      role: "assistant",
      content: [{ type: "tool_use", id: call.id, name: call.name, input: call.arguments }],
    });
    messages.push({
      role: "user",
      content: [{ type: "tool_result", tool_use_id: call.id, content: call.result }],
    });
  }
  messages.push({ role: "user", content: turn.user });
  const params: Anthropic.MessageCreateParamsNonStreaming = { model, max_tokens: 4096, messages };
  if (turn.tools !== undefined) {
    params.tools = Object.entries(turn.tools).map(([name, schema]) => ({
      name,
      input_schema: { type: "object", ...schema } as Anthropic.Tool.InputSchema,
    }));
  }
  if (turn.reasoning === true) params.thinking = { type: "enabled", budget_tokens: 2048 };
  const message = stream
    ? await client.messages.stream(params).finalMessage()
    : await client.messages.create(params);
  const view: ClientView = {
    model: message.model,
    text: "",
    thinking: "",
    toolCalls: [],
    finish: message.stop_reason ?? undefined,
    usage: {
      input: message.usage.input_tokens,
      cacheRead: message.usage.cache_read_input_tokens ?? 0,
      output: message.usage.output_tokens,
    },
  };
  for (const block of message.content) {
    if (block.type === "text") view.text += block.text;
    if (block.type === "thinking") view.thinking += block.thinking;
    if (block.type === "tool_use")
      view.toolCalls.push({ id: block.id, name: block.name, arguments: block.input });
  }
  return view;
}

async function viaGemini(baseUrl: string, model: string, turn: Turn, stream: boolean): Promise<ClientView> {
  const client = new GoogleGenAI({ apiKey: "test-key", httpOptions: { baseUrl } });
  const contents: Record<string, unknown>[] = [];
  if (turn.toolHistory !== undefined) {
    const call = turn.toolHistory;
    contents.push({ role: "user", parts: [{ text: "start" }] });
    contents.push({ role: "model", parts: [{ functionCall: { name: call.name, args: call.arguments } }] });
    contents.push({
      role: "user",
      parts: [{ functionResponse: { name: call.name, response: { result: call.result } } }],
    });
  }
  contents.push({ role: "user", parts: [{ text: turn.user }] });
  const config: Record<string, unknown> = {};
  if (turn.tools !== undefined) {
    config.tools = [
      {
        functionDeclarations: Object.entries(turn.tools).map(([name, schema]) => ({
          name,
          parametersJsonSchema: { type: "object", ...schema },
        })),
      },
    ];
  }
  if (turn.reasoning === true) config.thinkingConfig = { thinkingBudget: 2048, includeThoughts: true };
  const view: ClientView = {
    model: undefined,
    text: "",
    thinking: "",
    toolCalls: [],
    finish: undefined,
    usage: { input: -1, cacheRead: 0, output: -1 },
  };
  const responses = [];
  if (stream) {
    for await (const chunk of await client.models.generateContentStream({ model, contents, config }))
      responses.push(chunk);
  } else {
    responses.push(await client.models.generateContent({ model, contents, config }));
  }
  for (const response of responses) {
    view.model = response.modelVersion ?? view.model;
    const candidate = response.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      if (part.thought === true) view.thinking += part.text ?? "";
      else if (part.text !== undefined) view.text += part.text;
      if (part.functionCall !== undefined) {
        view.toolCalls.push({
          id: part.functionCall.id,
          name: part.functionCall.name ?? "",
          arguments: part.functionCall.args ?? {},
        });
      }
    }
    if (candidate?.finishReason !== undefined) view.finish = candidate.finishReason;
    const usage = response.usageMetadata;
    if (usage !== undefined) {
      view.usage = {
        input: usage.promptTokenCount ?? -1,
        cacheRead: usage.cachedContentTokenCount ?? 0,
        output: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
      };
    }
  }
  return view;
}

/** Run one turn through the official SDK of `protocol` against llmux at `baseUrl`. */
export function runTurn(
  protocol: ClientProtocol,
  baseUrl: string,
  model: string,
  turn: Turn,
  stream: boolean,
): Promise<ClientView> {
  switch (protocol) {
    case "openai-chat":
      return viaChat(baseUrl, model, turn, stream);
    case "openai-responses":
      return viaResponses(baseUrl, model, turn, stream);
    case "anthropic":
      return viaAnthropic(baseUrl, model, turn, stream);
    case "gemini":
      return viaGemini(baseUrl, model, turn, stream);
  }
}
