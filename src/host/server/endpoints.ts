import type { IncomingHttpHeaders } from "node:http";
import type { Protocol } from "../../core/model/protocol.js";
import type { InboundRequestInfo } from "../../core/protocols/adapter.js";

export type Endpoint =
  | { kind: "generate"; protocol: Protocol; info: InboundRequestInfo }
  | { kind: "count-tokens"; protocol: "anthropic" | "gemini"; info: InboundRequestInfo }
  | { kind: "models"; protocol: Protocol }
  | { kind: "health" }
  | { kind: "admin" }
  | { kind: "probe" };

const GEMINI_METHOD =
  /^\/(?:v1beta|v1)\/models\/([^:]+):(generateContent|streamGenerateContent|countTokens)$/;

const POST_ROUTES: Record<string, Endpoint> = {
  "/v1/chat/completions": { kind: "generate", protocol: "openai-chat", info: {} },
  "/chat/completions": { kind: "generate", protocol: "openai-chat", info: {} },
  "/v1/responses": { kind: "generate", protocol: "openai-responses", info: {} },
  "/responses": { kind: "generate", protocol: "openai-responses", info: {} },
  "/v1/messages": { kind: "generate", protocol: "anthropic", info: {} },
  "/v1/messages/count_tokens": { kind: "count-tokens", protocol: "anthropic", info: {} },
};

/** The protocol a request most likely speaks, to render errors in a shape its client understands. */
export function guessProtocol(pathname: string, headers: IncomingHttpHeaders): Protocol {
  if (
    pathname.startsWith("/v1beta") ||
    pathname.includes(":generateContent") ||
    headers["x-goog-api-key"] !== undefined
  ) {
    return "gemini";
  }
  if (pathname.startsWith("/v1/messages") || headers["anthropic-version"] !== undefined) return "anthropic";
  if (pathname.includes("/responses")) return "openai-responses";
  return "openai-chat";
}

export type EndpointMatch =
  | { endpoint: Endpoint }
  | { error: "not-found" | "method-not-allowed"; allow?: string };

/** The endpoint table: method and path -> what llmux does with the request. */
export function matchEndpoint(method: string, pathname: string, headers: IncomingHttpHeaders): EndpointMatch {
  if (pathname === "/" || pathname === "/api/hello") {
    if (method === "HEAD" || method === "GET") return { endpoint: { kind: "probe" } };
    return { error: "method-not-allowed", allow: "GET, HEAD" };
  }
  if (pathname === "/health") {
    return method === "GET" || method === "HEAD"
      ? { endpoint: { kind: "health" } }
      : { error: "method-not-allowed", allow: "GET, HEAD" };
  }
  if (pathname.startsWith("/admin/")) return { endpoint: { kind: "admin" } };
  if (pathname === "/v1/models" || pathname === "/models" || pathname === "/v1beta/models") {
    if (method !== "GET") return { error: "method-not-allowed", allow: "GET" };
    return { endpoint: { kind: "models", protocol: guessProtocol(pathname, headers) } };
  }
  const fixed = POST_ROUTES[pathname];
  if (fixed !== undefined)
    return method === "POST" ? { endpoint: fixed } : { error: "method-not-allowed", allow: "POST" };
  const gemini = GEMINI_METHOD.exec(pathname);
  if (gemini !== null) {
    if (method !== "POST") return { error: "method-not-allowed", allow: "POST" };
    let model: string;
    try {
      model = decodeURIComponent(gemini[1]!);
    } catch {
      model = gemini[1]!;
    }
    if (model.startsWith("models/")) model = model.slice("models/".length);
    const geminiMethod = gemini[2];
    if (geminiMethod === "countTokens")
      return { endpoint: { kind: "count-tokens", protocol: "gemini", info: { model } } };
    return {
      endpoint: {
        kind: "generate",
        protocol: "gemini",
        info: { model, stream: geminiMethod === "streamGenerateContent" },
      },
    };
  }
  return { error: "not-found" };
}
