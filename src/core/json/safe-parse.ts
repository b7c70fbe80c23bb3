import { LlmuxError } from "../model/errors.js";

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** The one JSON.parse outside core/sse: never throws, reports why. */
export function safeParseJson(text: string): ParseResult<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Parse or throw the protocol-neutral error for a bad body from `who`. */
export function parseJsonOrThrow(text: string, who: "client" | "upstream"): unknown {
  const result = safeParseJson(text);
  if (result.ok) return result.value;
  if (who === "client") {
    throw new LlmuxError("invalid_request", `request body is not valid JSON: ${result.error}`);
  }
  throw new LlmuxError("upstream_error", `upstream sent invalid JSON: ${result.error}`);
}
