import { LlmuxError } from "../../../core/model/errors.js";
import type { JsonObject, JsonValue } from "../../../core/model/json.js";

/** What a token file means, whatever spelling the tool that wrote it used. */
export interface TokenFields {
  accessToken: string;
  refreshToken?: string;
  /** Unix milliseconds; absent when the file does not say when the token expires. */
  expiresAt?: number;
  tokenType?: string;
  scope?: string;
}

/** What a token endpoint answered to a refresh. */
export interface RefreshedTokens {
  accessToken: string;
  /** Present when the server rotated the refresh token. */
  refreshToken?: string;
  expiresInSeconds?: number;
  tokenType?: string;
  scope?: string;
  idToken?: string;
}

/** Absolute expiry fields, in the order they are trusted. */
const ABSOLUTE_EXPIRY_KEYS = ["expires_at", "expiresAt", "expiry_date", "expiry"] as const;
const RELATIVE_EXPIRY_KEYS = ["expires_in", "expiresIn"] as const;
const OBTAINED_AT_KEYS = ["obtained_at", "obtainedAt"] as const;

/** Below this a unix time is in seconds (1e11 s is the year 5138; 1e11 ms is 1973). */
const SECONDS_THRESHOLD = 1e11;

interface KeyStyle {
  access: string;
  refresh: string;
  tokenType: string;
  idToken: string;
  expiresAt: string;
}

const SNAKE: KeyStyle = {
  access: "access_token",
  refresh: "refresh_token",
  tokenType: "token_type",
  idToken: "id_token",
  expiresAt: "expires_at",
};
const CAMEL: KeyStyle = {
  access: "accessToken",
  refresh: "refreshToken",
  tokenType: "tokenType",
  idToken: "idToken",
  expiresAt: "expiresAt",
};

/** camelCase files (`accessToken`, `expiresAt`) are kept camelCase when rewritten. */
function styleOf(raw: JsonObject): KeyStyle {
  return raw.access_token === undefined && raw.accessToken !== undefined ? CAMEL : SNAKE;
}

function invalid(path: string, problem: string): LlmuxError {
  return new LlmuxError("authentication", `token file ${path} ${problem}`);
}

/** A unix time (seconds or milliseconds) or an ISO date, as unix milliseconds. */
function parseInstant(value: JsonValue): number | undefined {
  if (typeof value === "number" && Number.isFinite(value) && value > 0) {
    return value < SECONDS_THRESHOLD ? value * 1000 : value;
  }
  if (typeof value === "string" && value.trim() !== "") {
    const trimmed = value.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) return parseInstant(Number(trimmed));
    const parsed = Date.parse(trimmed);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}

function parseSeconds(value: JsonValue): number | undefined {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === "string" && /^\d+(\.\d+)?$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

function optionalString(raw: JsonObject, key: string, path: string): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalid(path, `has an invalid ${key}: not a string`);
  return value === "" ? undefined : value;
}

/**
 * Expiry in unix ms: `expires_at`/`expiresAt`/`expiry_date`/`expiry` (unix s or ms, or ISO), else
 * `expires_in` seconds counted from `obtained_at` or, failing that, from when the file was written.
 */
function readExpiry(raw: JsonObject, path: string, writtenAtMs: number): number | undefined {
  for (const key of ABSOLUTE_EXPIRY_KEYS) {
    const value = raw[key];
    if (value === undefined || value === null) continue;
    const instant = parseInstant(value);
    if (instant === undefined)
      throw invalid(path, `has an invalid ${key}: neither a unix time nor an ISO date`);
    return instant;
  }
  for (const key of RELATIVE_EXPIRY_KEYS) {
    const value = raw[key];
    if (value === undefined || value === null) continue;
    const seconds = parseSeconds(value);
    if (seconds === undefined) throw invalid(path, `has an invalid ${key}: not a number of seconds`);
    let obtainedAt = writtenAtMs;
    for (const obtainedKey of OBTAINED_AT_KEYS) {
      const obtained = raw[obtainedKey];
      if (obtained === undefined || obtained === null) continue;
      const instant = parseInstant(obtained);
      if (instant === undefined)
        throw invalid(path, `has an invalid ${obtainedKey}: neither a unix time nor an ISO date`);
      obtainedAt = instant;
      break;
    }
    return obtainedAt + seconds * 1000;
  }
  return undefined;
}

/** The token fields of a parsed token file; a clear `authentication` error naming the path when they are unusable. */
export function readTokenFields(raw: JsonObject, path: string, writtenAtMs: number): TokenFields {
  const style = styleOf(raw);
  const accessToken = optionalString(raw, style.access, path);
  if (accessToken === undefined) throw invalid(path, `has no ${style.access}`);
  const fields: TokenFields = { accessToken };
  const refreshToken = optionalString(raw, style.refresh, path);
  if (refreshToken !== undefined) fields.refreshToken = refreshToken;
  const expiresAt = readExpiry(raw, path, writtenAtMs);
  if (expiresAt !== undefined) fields.expiresAt = expiresAt;
  const tokenType = optionalString(raw, style.tokenType, path);
  if (tokenType !== undefined) fields.tokenType = tokenType;
  const scope = optionalString(raw, "scope", path);
  if (scope !== undefined) fields.scope = scope;
  return fields;
}

/** `instantMs` in the same shape as `previous`: ISO string, unix seconds or unix milliseconds. */
function formatInstantLike(previous: JsonValue | undefined, instantMs: number): JsonValue {
  if (typeof previous === "string") {
    if (/^\d+(\.\d+)?$/.test(previous.trim())) {
      return String(Number(previous) < SECONDS_THRESHOLD ? Math.floor(instantMs / 1000) : instantMs);
    }
    return new Date(instantMs).toISOString();
  }
  if (typeof previous === "number" && previous < SECONDS_THRESHOLD) return Math.floor(instantMs / 1000);
  return instantMs;
}

function writeExpiry(
  next: JsonObject,
  style: KeyStyle,
  expiresInSeconds: number | undefined,
  nowMs: number,
): void {
  const expiresAt = expiresInSeconds === undefined ? undefined : nowMs + Math.round(expiresInSeconds * 1000);
  let written = false;
  for (const key of ABSOLUTE_EXPIRY_KEYS) {
    if (!(key in next)) continue;
    if (expiresAt === undefined) delete next[key];
    else next[key] = formatInstantLike(next[key], expiresAt);
    written = true;
  }
  for (const key of RELATIVE_EXPIRY_KEYS) {
    if (!(key in next)) continue;
    if (expiresInSeconds === undefined) {
      delete next[key];
      continue;
    }
    next[key] = expiresInSeconds;
    for (const obtainedKey of OBTAINED_AT_KEYS) {
      if (obtainedKey in next) next[obtainedKey] = formatInstantLike(next[obtainedKey], nowMs);
    }
    written = true;
  }
  if (!written && expiresAt !== undefined) next[style.expiresAt] = expiresAt;
}

/**
 * The file's object after a refresh: every field it had is kept, the tokens and expiry are
 * updated in the file's own spelling and format, and a rotated refresh token replaces the old one.
 * When the server did not say when the new token expires, stale expiry fields are dropped.
 */
export function mergeRefreshedTokens(raw: JsonObject, refreshed: RefreshedTokens, nowMs: number): JsonObject {
  const style = styleOf(raw);
  const next: JsonObject = { ...raw };
  next[style.access] = refreshed.accessToken;
  if (refreshed.refreshToken !== undefined) next[style.refresh] = refreshed.refreshToken;
  if (refreshed.tokenType !== undefined) next[style.tokenType] = refreshed.tokenType;
  if (refreshed.scope !== undefined) next.scope = refreshed.scope;
  if (refreshed.idToken !== undefined) next[style.idToken] = refreshed.idToken;
  writeExpiry(next, style, refreshed.expiresInSeconds, nowMs);
  return next;
}
