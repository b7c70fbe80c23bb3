import type { Message, Part } from "../model/parts.js";
import type { CanonicalRequest } from "../model/request.js";

/** What classification looks at: a small, plain summary of one request. */
export interface RequestFeatures {
  /** The client's model name, as sent. */
  model: string;
  /** The prompt's token count (an estimate is fine away from thresholds). */
  promptTokens: number;
  /** An image anywhere in the conversation (messages or tool results). */
  hasImages: boolean;
  /** The request declares tools. */
  hasTools: boolean;
  /** Tool calls or tool results in the history. */
  toolActivity: boolean;
  /** The request asks for reasoning (enabled, effort above `minimal`, budget above 0). */
  wantsReasoning: boolean;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  tenant?: string;
}

export type HeaderInput = Readonly<Record<string, string | readonly string[] | undefined>>;

function isImage(part: Part): boolean {
  if (part.type === "image") return true;
  if (part.type === "file") {
    return part.source.kind === "base64" && part.source.mediaType.toLowerCase().startsWith("image/");
  }
  if (part.type === "tool-result") return part.content.some(isImage);
  return false;
}

function hasPart(messages: readonly Message[], test: (part: Part) => boolean): boolean {
  return messages.some((message) => message.content.some(test));
}

function wantsReasoning(request: CanonicalRequest): boolean {
  const reasoning = request.reasoning;
  if (reasoning === undefined || !reasoning.enabled) return false;
  if (reasoning.effort === "none" || reasoning.effort === "minimal") return false;
  return reasoning.budgetTokens === undefined || reasoning.budgetTokens > 0;
}

/** Header names lower-cased, absent values dropped, repeated values joined. */
export function normalizeHeaders(headers: HeaderInput): Record<string, string> {
  const normalized: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    normalized[name.toLowerCase()] = typeof value === "string" ? value : value.join(", ");
  }
  return normalized;
}

export function featuresOf(
  request: CanonicalRequest,
  promptTokens: number,
  headers: HeaderInput,
  tenant?: string,
): RequestFeatures {
  const features: RequestFeatures = {
    model: request.model,
    promptTokens,
    hasImages: hasPart(request.messages, isImage),
    hasTools: request.tools.length > 0,
    toolActivity: hasPart(
      request.messages,
      (part) => part.type === "tool-call" || part.type === "tool-result",
    ),
    wantsReasoning: wantsReasoning(request),
    headers: normalizeHeaders(headers),
  };
  if (tenant !== undefined) features.tenant = tenant;
  return features;
}
