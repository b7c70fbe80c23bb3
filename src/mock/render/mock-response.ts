import type { JsonObject } from "../../core/model/json.js";
import { assertNever, type Protocol } from "../../core/model/protocol.js";
import type { MockScript } from "../script.js";
import { renderAnthropicResponse, renderAnthropicStream } from "./anthropic.js";
import { renderHttpError } from "./errors.js";
import { renderGeminiResponse, renderGeminiStream } from "./gemini.js";
import { renderChatResponse, renderChatStream } from "./openai-chat.js";
import { renderResponsesResponse, renderResponsesStream } from "./openai-responses.js";
import { JSON_CONTENT_TYPE, type MockRendering, type RenderContext, SSE_CONTENT_TYPE } from "./shared.js";

export interface RenderMockOptions {
  stream: boolean;
  /** Gemini streamGenerateContent with `alt=sse` (the default); false streams a JSON array. */
  geminiSse?: boolean;
}

function protocolHeaders(protocol: Protocol, seed: string): Record<string, string> {
  switch (protocol) {
    case "openai-chat":
    case "openai-responses":
      return { "x-request-id": `req_mock${seed}`, "openai-processing-ms": "1" };
    case "anthropic":
      return { "request-id": `req_mock${seed}`, "anthropic-organization-id": "mock-org" };
    case "gemini":
      return { "x-gemini-service-tier": "standard" };
    default:
      return assertNever(protocol, "protocol");
  }
}

function renderBody(protocol: Protocol, script: MockScript, context: RenderContext): JsonObject {
  switch (protocol) {
    case "openai-chat":
      return renderChatResponse(script, context);
    case "openai-responses":
      return renderResponsesResponse(script, context);
    case "anthropic":
      return renderAnthropicResponse(script, context);
    case "gemini":
      return renderGeminiResponse(script, context);
    default:
      return assertNever(protocol, "protocol");
  }
}

function renderFrames(
  protocol: Protocol,
  script: MockScript,
  context: RenderContext,
  geminiSse: boolean,
): string[] {
  switch (protocol) {
    case "openai-chat":
      return renderChatStream(script, context);
    case "openai-responses":
      return renderResponsesStream(script, context);
    case "anthropic":
      return renderAnthropicStream(script, context);
    case "gemini":
      return renderGeminiStream(script, context, { sse: geminiSse });
    default:
      return assertNever(protocol, "protocol");
  }
}

/**
 * A script as one protocol's wire answer: an error body, a JSON body, or stream frames.
 * Pure and deterministic: the same script, context and options give the same bytes.
 */
export function renderMockResponse(
  protocol: Protocol,
  script: MockScript,
  context: RenderContext,
  options: RenderMockOptions,
): MockRendering {
  if (script.error !== undefined) {
    const rendered = renderHttpError(protocol, script.error, context.seed);
    Object.assign(rendered.headers, protocolHeaders(protocol, context.seed), script.headers);
    return rendered;
  }
  const headers = protocolHeaders(protocol, context.seed);
  if (!options.stream) {
    Object.assign(headers, { "content-type": JSON_CONTENT_TYPE }, script.headers);
    return {
      kind: "json",
      status: 200,
      headers,
      body: JSON.stringify(renderBody(protocol, script, context)),
    };
  }
  const geminiSse = options.geminiSse !== false;
  const contentType = protocol === "gemini" && !geminiSse ? JSON_CONTENT_TYPE : SSE_CONTENT_TYPE;
  Object.assign(headers, { "content-type": contentType, "cache-control": "no-cache" }, script.headers);
  return { kind: "stream", status: 200, headers, frames: renderFrames(protocol, script, context, geminiSse) };
}
