import type { IncomingHttpHeaders } from "node:http";
import { assertNever, type Protocol } from "../../core/model/protocol.js";
import type { ResolvedProvider } from "../config/resolved.js";

export type UpstreamOperation = "generate" | "count-tokens";

/** The upstream URL for an operation, following each official SDK's base-URL convention. */
export function upstreamUrl(
  provider: ResolvedProvider,
  protocol: Protocol,
  operation: UpstreamOperation,
  model: string,
  stream: boolean,
): string {
  const base = provider.baseUrl;
  switch (protocol) {
    case "openai-chat":
      return `${base}/chat/completions`;
    case "openai-responses":
      return `${base}/responses`;
    case "anthropic":
      return operation === "count-tokens" ? `${base}/v1/messages/count_tokens` : `${base}/v1/messages`;
    case "gemini": {
      const name = encodeURIComponent(model).replace(/%2F/g, "/");
      if (operation === "count-tokens") return `${base}/v1beta/models/${name}:countTokens`;
      return stream
        ? `${base}/v1beta/models/${name}:streamGenerateContent?alt=sse`
        : `${base}/v1beta/models/${name}:generateContent`;
    }
    default:
      return assertNever(protocol, "protocol");
  }
}

/** Client headers that carry protocol semantics and must reach the upstream. */
const FORWARDED: Record<Protocol, readonly string[]> = {
  "openai-chat": ["openai-beta"],
  "openai-responses": ["openai-beta"],
  anthropic: ["anthropic-version", "anthropic-beta"],
  gemini: [],
};

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(", ") : value;
}

/** The header a protocol carries its credential in by default, and the prefix before it. */
function defaultAuth(protocol: Protocol): { header: string; prefix: string } {
  switch (protocol) {
    case "openai-chat":
    case "openai-responses":
      return { header: "authorization", prefix: "Bearer " };
    case "anthropic":
      return { header: "x-api-key", prefix: "" };
    case "gemini":
      return { header: "x-goog-api-key", prefix: "" };
    default:
      return assertNever(protocol, "protocol");
  }
}

/**
 * Headers for the upstream: content type, forwarded protocol headers of a same-protocol client,
 * the credential's secret in the provider's auth style, then the provider's own extra headers.
 */
export function upstreamHeaders(
  provider: ResolvedProvider,
  protocol: Protocol,
  secret: string | undefined,
  clientHeaders: IncomingHttpHeaders | undefined,
): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (clientHeaders !== undefined) {
    for (const name of FORWARDED[protocol]) {
      const value = single(clientHeaders[name]);
      if (value !== undefined) headers[name] = value;
    }
  }
  if (secret !== undefined) {
    const auth = defaultAuth(protocol);
    headers[(provider.authHeader ?? auth.header).toLowerCase()] =
      `${provider.authPrefix ?? auth.prefix}${secret}`;
  }
  if (protocol === "anthropic" && headers["anthropic-version"] === undefined)
    headers["anthropic-version"] = "2023-06-01";
  for (const [name, value] of Object.entries(provider.headers)) headers[name.toLowerCase()] = value;
  return headers;
}
