import * as v from "valibot";
import { safeParseJson } from "../../../core/json/safe-parse.js";
import { LlmuxError } from "../../../core/model/errors.js";
import { isJsonObject } from "../../../core/model/json.js";
import { retryAfterFromHeaders } from "../../../core/protocols/shared/upstream-error.js";
import type { RefreshedTokens } from "./token-record.js";

/** How the client authenticates to the token endpoint (RFC 6749 section 2.3.1). */
export type ClientAuthStyle = "body" | "basic";

/** `fetch` or anything shaped like it (tests and proxies pass their own). */
export type TokenFetcher = (url: string, init: RequestInit) => Promise<Response>;

export interface RefreshRequest {
  credentialId: string;
  tokenEndpoint: string;
  refreshToken: string;
  clientId?: string;
  clientSecret?: string;
  clientAuth: ClientAuthStyle;
  fetcher: TokenFetcher;
  timeoutMs: number;
}

const seconds = v.union([
  v.pipe(v.number(), v.finite(), v.minValue(0)),
  v.pipe(v.string(), v.regex(/^\d+(\.\d+)?$/), v.transform(Number)),
]);

const nonEmpty = v.pipe(v.string(), v.minLength(1));

/** The token endpoint's success body (RFC 6749 section 5.1); unknown fields are ignored. */
const tokenResponseSchema = v.looseObject({
  access_token: nonEmpty,
  token_type: v.optional(v.string()),
  expires_in: v.optional(seconds),
  refresh_token: v.optional(nonEmpty),
  scope: v.optional(v.string()),
  id_token: v.optional(nonEmpty),
});

/** An OAuth error code is safe to show only when it looks like one (never echo arbitrary server text). */
const ERROR_CODE = /^[A-Za-z0-9_.-]{1,64}$/;

function formBody(request: RefreshRequest): URLSearchParams {
  const body = new URLSearchParams({ grant_type: "refresh_token", refresh_token: request.refreshToken });
  if (request.clientAuth === "body") {
    if (request.clientId !== undefined) body.set("client_id", request.clientId);
    if (request.clientSecret !== undefined) body.set("client_secret", request.clientSecret);
  } else if (request.clientId !== undefined && request.clientSecret === undefined) {
    // A public client has no secret to put in a Basic header: it identifies itself in the body.
    body.set("client_id", request.clientId);
  }
  return body;
}

function headersFor(request: RefreshRequest): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    accept: "application/json",
  };
  if (
    request.clientAuth === "basic" &&
    request.clientId !== undefined &&
    request.clientSecret !== undefined
  ) {
    const user = encodeURIComponent(request.clientId);
    const password = encodeURIComponent(request.clientSecret);
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  }
  return headers;
}

function endpointHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "the token endpoint";
  }
}

function networkError(request: RefreshRequest, error: unknown): LlmuxError {
  const prefix = `token refresh for credential ${request.credentialId} failed`;
  const host = endpointHost(request.tokenEndpoint);
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return new LlmuxError(
      "upstream_error",
      `${prefix}: ${host} did not answer within ${request.timeoutMs} ms`,
      {
        cause: error,
      },
    );
  }
  const cause = error instanceof Error ? error.cause : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code ?? (error as { code?: unknown } | null)?.code;
  const detail = typeof code === "string" ? ` (${code})` : "";
  return new LlmuxError("upstream_error", `${prefix}: cannot reach ${host}${detail}`, { cause: error });
}

function oauthErrorCode(body: string): string | undefined {
  const parsed = safeParseJson(body);
  if (!parsed.ok || !isJsonObject(parsed.value)) return undefined;
  const code = parsed.value.error;
  return typeof code === "string" && ERROR_CODE.test(code) ? code : undefined;
}

function failedStatusError(request: RefreshRequest, response: Response, body: string): LlmuxError {
  const prefix = `token refresh for credential ${request.credentialId} failed`;
  const oauthCode = oauthErrorCode(body);
  const reason = oauthCode ?? `HTTP ${response.status}`;
  const options = oauthCode === undefined ? {} : { upstreamType: oauthCode };
  if (response.status === 400 || response.status === 401 || response.status === 403) {
    return new LlmuxError("authentication", `${prefix}: ${reason}`, options);
  }
  if (response.status === 429) {
    const retryAfterMs = retryAfterFromHeaders({
      "retry-after-ms": response.headers.get("retry-after-ms") ?? undefined,
      "retry-after": response.headers.get("retry-after") ?? undefined,
    });
    return new LlmuxError("rate_limited", `${prefix}: ${reason}`, {
      ...options,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  return new LlmuxError("upstream_error", `${prefix}: ${reason}`, options);
}

function refreshedFrom(request: RefreshRequest, status: number, body: string): RefreshedTokens {
  const parsed = safeParseJson(body);
  const result = parsed.ok ? v.safeParse(tokenResponseSchema, parsed.value) : undefined;
  if (result === undefined || !result.success) {
    // The body may hold tokens: say what is wrong, never what it said.
    throw new LlmuxError(
      "upstream_error",
      `token refresh for credential ${request.credentialId} failed: the token endpoint answered HTTP ${status} without a usable access_token`,
    );
  }
  const data = result.output;
  const refreshed: RefreshedTokens = { accessToken: data.access_token };
  if (data.refresh_token !== undefined) refreshed.refreshToken = data.refresh_token;
  if (data.expires_in !== undefined) refreshed.expiresInSeconds = data.expires_in;
  if (data.token_type !== undefined) refreshed.tokenType = data.token_type;
  if (data.scope !== undefined) refreshed.scope = data.scope;
  if (data.id_token !== undefined) refreshed.idToken = data.id_token;
  return refreshed;
}

/**
 * One OAuth2 `grant_type=refresh_token` exchange. Rejections (400/401/403, e.g. `invalid_grant`) are
 * `authentication` errors, network failures and other statuses `upstream_error`, 429 `rate_limited`.
 * Messages carry the credential id and the OAuth error code, never a token or the server's text.
 */
export async function requestTokenRefresh(request: RefreshRequest): Promise<RefreshedTokens> {
  let response: Response;
  let body: string;
  try {
    response = await request.fetcher(request.tokenEndpoint, {
      method: "POST",
      headers: headersFor(request),
      body: formBody(request).toString(),
      signal: AbortSignal.timeout(request.timeoutMs),
      redirect: "error",
    });
    body = await response.text();
  } catch (error) {
    throw networkError(request, error);
  }
  if (response.status < 200 || response.status >= 300) throw failedStatusError(request, response, body);
  return refreshedFrom(request, response.status, body);
}
