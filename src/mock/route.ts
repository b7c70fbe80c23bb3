import type { Protocol } from "../core/model/protocol.js";

/** What a request to the mock upstream asks for, from its method and path. */
export type MockRoute =
  | { kind: "generate"; protocol: Protocol; model?: string; geminiStream?: boolean }
  | { kind: "count-tokens"; protocol: "anthropic" | "gemini" }
  | { kind: "models"; protocol: Protocol }
  | { kind: "not-found" };

const GEMINI_PATH =
  /^\/(?:v1beta|v1|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;

/**
 * Chat, Responses and Messages are matched by their path suffix, so a base URL with an
 * extra prefix (`/proxy/v1/chat/completions`) still reaches them.
 */
export function resolveMockRoute(method: string, path: string, headers: Record<string, unknown>): MockRoute {
  if (method === "GET") {
    if (/^\/(?:v1beta|v1alpha)\/models\/?$/.test(path)) return { kind: "models", protocol: "gemini" };
    if (/\/models\/?$/.test(path)) {
      return {
        kind: "models",
        protocol: headers["anthropic-version"] === undefined ? "openai-chat" : "anthropic",
      };
    }
    return { kind: "not-found" };
  }
  if (method !== "POST") return { kind: "not-found" };
  const gemini = GEMINI_PATH.exec(path);
  if (gemini) {
    const model = decodeURIComponent(gemini[1] ?? "");
    if (gemini[2] === "countTokens") return { kind: "count-tokens", protocol: "gemini" };
    return {
      kind: "generate",
      protocol: "gemini",
      model,
      geminiStream: gemini[2] === "streamGenerateContent",
    };
  }
  if (path.endsWith("/chat/completions")) return { kind: "generate", protocol: "openai-chat" };
  if (path.endsWith("/responses")) return { kind: "generate", protocol: "openai-responses" };
  if (path.endsWith("/messages/count_tokens")) return { kind: "count-tokens", protocol: "anthropic" };
  if (path.endsWith("/messages")) return { kind: "generate", protocol: "anthropic" };
  return { kind: "not-found" };
}
