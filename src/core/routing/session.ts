import { safeParseJson } from "../json/safe-parse.js";
import { isJsonObject, type JsonObject } from "../model/json.js";
import { assertNever, type Protocol } from "../model/protocol.js";

/** Longer ids are cut: they are map keys, not content. */
export const MAX_SESSION_ID_LENGTH = 200;

type Headers = Readonly<Record<string, string | readonly string[] | undefined>>;

function clean(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (trimmed === undefined || trimmed === "") return undefined;
  return trimmed.slice(0, MAX_SESSION_ID_LENGTH);
}

function header(headers: Headers, name: string): string | undefined {
  let value = headers[name];
  if (value === undefined) {
    for (const [key, candidate] of Object.entries(headers)) {
      if (key.toLowerCase() === name) {
        value = candidate;
        break;
      }
    }
  }
  return clean(typeof value === "string" ? value : value?.[0]);
}

/**
 * Claude Code's `metadata.user_id`: `user_<hash>_account_<uuid>_session_<uuid>` (older) or a JSON
 * text `{"device_id":…,"account_uuid":…,"session_id":…}` (2.1.78 and later); the session part when
 * present, else the whole id.
 */
function sessionOfUserId(userId: string): string | undefined {
  const text = userId.trim();
  if (text.startsWith("{")) {
    const parsed = safeParseJson(text);
    if (parsed.ok && isJsonObject(parsed.value)) {
      const session = parsed.value.session_id;
      if (typeof session === "string" && clean(session) !== undefined) return clean(session);
    }
    return clean(text);
  }
  const match = /_session_([^_\s]+)$/.exec(text);
  return clean(match?.[1] ?? text);
}

function bodyString(body: JsonObject, field: string): string | undefined {
  const value = body[field];
  return typeof value === "string" ? clean(value) : undefined;
}

/** Claude Code's session in the body (Anthropic `metadata.user_id`). */
function claudeCodeSession(protocol: Protocol, body: JsonObject): string | undefined {
  if (protocol !== "anthropic" || !isJsonObject(body.metadata)) return undefined;
  const userId = body.metadata.user_id;
  return typeof userId === "string" ? sessionOfUserId(userId) : undefined;
}

/** Codex's (and other OpenAI clients') session in the body: `prompt_cache_key`. */
function promptCacheKey(protocol: Protocol, body: JsonObject): string | undefined {
  switch (protocol) {
    case "openai-responses":
    case "openai-chat":
      return bodyString(body, "prompt_cache_key");
    case "anthropic":
    case "gemini":
      return undefined;
    default:
      return assertNever(protocol, "protocol");
  }
}

/**
 * The client's session id, for sticky routing: an explicit `x-llmux-session` header wins; then
 * Claude Code's `x-claude-code-session-id` header or `metadata.user_id` (its session part);
 * then Codex's `session_id` / `conversation_id` headers or the body's `prompt_cache_key`.
 * `undefined` when the client names no session.
 */
export function sessionIdOf(protocol: Protocol, body: JsonObject, headers: Headers): string | undefined {
  return (
    header(headers, "x-llmux-session") ??
    header(headers, "x-claude-code-session-id") ??
    claudeCodeSession(protocol, body) ??
    header(headers, "session_id") ??
    header(headers, "conversation_id") ??
    promptCacheKey(protocol, body)
  );
}
