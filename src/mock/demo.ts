import { isJsonObject } from "../core/model/json.js";
import type { Protocol } from "../core/model/protocol.js";
import { argumentsForSchema } from "./demo-arguments.js";
import { type DemoRequest, type DemoTool, readDemoRequest } from "./demo-request.js";
import { renderMockResponse } from "./render/mock-response.js";
import type { MockScript, MockStep, MockToolCall } from "./script.js";

/**
 * The built-in `demo` model: deterministic (the same request always gets the same bytes,
 * ids included), no network, no keys. It echoes the prompt, calls an offered tool when
 * asked to, answers tool results, and thinks first when the request asks for reasoning.
 */

/** The pause the host should leave between demo stream frames. */
export const demoChunkDelayMs = 15;

const ASKS_FOR_TOOL = /\b(?:tools?|call|calling|weather|run|execute|function|search)\b/i;
const MAX_PARALLEL_CALLS = 3;

/** FNV-1a over the request JSON: a stable seed for ids and signatures. */
export function hashDemoRequest(body: unknown): string {
  const text = JSON.stringify(body) ?? "";
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

function deltasFor(text: string): number {
  const words = text.split(/\s+/).length;
  return Math.min(24, Math.max(2, Math.ceil(words / 3)));
}

function textStep(text: string): MockStep {
  return { type: "text", text, deltas: deltasFor(text) };
}

function spellings(name: string): string[] {
  const lower = name.toLowerCase();
  const spaced = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_\-.]+/g, " ")
    .toLowerCase();
  return lower === spaced ? [lower] : [lower, spaced];
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]{3,}/g) ?? [];
}

/** The offered tool whose name and description share the most words with the prompt (first on a tie). */
function bestTool(tools: readonly DemoTool[], prompt: string): DemoTool | undefined {
  const promptWords = new Set(words(prompt));
  let best: DemoTool | undefined;
  let bestScore = -1;
  for (const tool of tools) {
    const score = words(`${spellings(tool.name).join(" ")} ${tool.description}`).filter((word) =>
      promptWords.has(word),
    ).length;
    if (score > bestScore) {
      best = tool;
      bestScore = score;
    }
  }
  return best;
}

/** The tools to call: a forced one, the ones the prompt names (in parallel), or the best match when asked. */
function chooseTools(request: DemoRequest): DemoTool[] {
  const { tools, toolChoice } = request;
  if (tools.length === 0 || toolChoice.type === "none") return [];
  if (toolChoice.type === "tool") {
    const forced = tools.find((tool) => tool.name === toolChoice.name);
    return forced === undefined ? [] : [forced];
  }
  const prompt = request.userText.toLowerCase();
  const named = tools.filter((tool) => spellings(tool.name).some((spelling) => prompt.includes(spelling)));
  if (named.length > 0) return named.slice(0, MAX_PARALLEL_CALLS);
  if (toolChoice.type !== "required" && !ASKS_FOR_TOOL.test(prompt)) return [];
  const best = bestTool(tools, prompt);
  return best === undefined ? [] : [best];
}

function signatureFor(seed: string): string {
  return Buffer.from(`llmux-demo-signature:${seed}`).toString("base64");
}

function thinkingText(request: DemoRequest, calls: readonly DemoTool[]): string {
  if (request.toolResult !== undefined) return "A tool result came back. I will report it to the user.";
  const said = excerpt(request.userText, 60);
  const plan =
    calls.length > 0
      ? `call ${calls.map((tool) => tool.name).join(" and ")}`
      : "echo it back in a friendly way";
  return `The user wrote "${said}". I should ${plan}.`;
}

function answerText(request: DemoRequest): string {
  if (request.toolResult !== undefined) {
    const tool = request.toolResult.name === undefined ? "the tool" : `the ${request.toolResult.name} tool`;
    return `llmux demo model: ${tool} returned "${excerpt(request.toolResult.content, 200)}". That is my answer.`;
  }
  if (request.userText.trim() === "") {
    return "llmux demo model: hello! Send me a message and I will echo it back.";
  }
  const hint =
    request.tools.length > 0
      ? ` Ask me to call one of your tools (${request.tools.map((tool) => tool.name).join(", ")}) to see a tool call.`
      : "";
  return (
    `llmux demo model: you said "${excerpt(request.userText, 80)}". ` +
    `I am a deterministic local model, so no network and no keys are needed.${hint}`
  );
}

/** The demo model's token count for a request (about four characters a token); also its count_tokens answer. */
export function demoPromptTokens(requestBody: unknown): number {
  return Math.max(1, Math.ceil((JSON.stringify(requestBody) ?? "").length / 4));
}

/** The demo model's answer to a request in any of the four protocols, as a mock script. */
export function demoScript(protocol: Protocol, requestBody: unknown): MockScript {
  const request = readDemoRequest(protocol, requestBody);
  const seed = hashDemoRequest(requestBody);
  const tools = request.toolResult === undefined ? chooseTools(request) : [];
  const steps: MockStep[] = [];
  if (request.wantsReasoning) {
    const signature = signatureFor(seed);
    steps.push({
      type: "thinking",
      text: thinkingText(request, tools),
      signature,
      encryptedContent: signature,
      deltas: 3,
    });
  }
  if (tools.length === 0) {
    steps.push(textStep(answerText(request)));
  } else {
    steps.push(textStep(`Let me call ${tools.map((tool) => tool.name).join(" and ")} for that.`));
    const calls = tools.map((tool, index): MockToolCall => {
      const call: MockToolCall = {
        name: tool.name,
        arguments: argumentsForSchema(tool.schema, request.userText),
      };
      if (request.wantsReasoning && index === 0) call.signature = signatureFor(`${seed}:${tool.name}`);
      return call;
    });
    steps.push({ type: "tool-calls", calls });
  }
  return { steps, usage: { input: demoPromptTokens(requestBody) } };
}

export interface DemoRenderOptions {
  stream: boolean;
  /** The model name to report (the one the client asked for). */
  model: string;
  /** Unix seconds. */
  created: number;
  /** Gemini: SSE frames (`alt=sse`, the default) or a streamed JSON array. */
  geminiSse?: boolean;
}

export type DemoResponse =
  | { status: number; contentType: string; headers: Record<string, string>; frames: string[] }
  | { status: number; contentType: string; headers: Record<string, string>; body: string };

/** The demo model's wire answer: stream frames (the host paces them by `demoChunkDelayMs`) or a JSON body. */
export function renderDemoResponse(
  protocol: Protocol,
  requestBody: unknown,
  options: DemoRenderOptions,
): DemoResponse {
  const streamOptions = isJsonObject(requestBody) ? requestBody.stream_options : undefined;
  const includeUsage =
    protocol === "openai-chat" && isJsonObject(streamOptions) && streamOptions.include_usage === true;
  const rendering = renderMockResponse(
    protocol,
    demoScript(protocol, requestBody),
    { model: options.model, created: options.created, seed: hashDemoRequest(requestBody), includeUsage },
    { stream: options.stream, geminiSse: options.geminiSse !== false },
  );
  const contentType = rendering.headers["content-type"] ?? "application/json";
  if (rendering.kind === "stream") {
    return { status: rendering.status, contentType, headers: rendering.headers, frames: rendering.frames };
  }
  return { status: rendering.status, contentType, headers: rendering.headers, body: rendering.body };
}
