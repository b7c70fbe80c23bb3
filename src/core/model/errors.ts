/**
 * The one error type. Every protocol renders it in its own wire shape
 * (core/protocols/<p>/errors.ts); the host never invents error bodies.
 */
export type ErrorCode =
  | "invalid_request"
  | "authentication"
  | "permission"
  | "not_found"
  | "request_too_large"
  | "unsupported_media_type"
  | "rate_limited"
  | "overloaded"
  | "quota_exhausted"
  | "timeout"
  | "upstream_error"
  | "upstream_incomplete"
  | "unsupported_conversion"
  | "unavailable"
  | "internal";

const DEFAULT_STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  authentication: 401,
  permission: 403,
  not_found: 404,
  request_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  overloaded: 529,
  quota_exhausted: 429,
  timeout: 504,
  upstream_error: 502,
  upstream_incomplete: 502,
  unsupported_conversion: 400,
  unavailable: 503,
  internal: 500,
};

const RETRYABLE: ReadonlySet<ErrorCode> = new Set([
  "rate_limited",
  "overloaded",
  "timeout",
  "upstream_error",
  "upstream_incomplete",
  "unavailable",
]);

/** The plain-data form of an error, as carried in stream events and across runtimes. */
export interface LlmuxErrorData {
  code: ErrorCode;
  status: number;
  message: string;
  retryable: boolean;
  /** Milliseconds the client should wait before retrying, when known. */
  retryAfterMs?: number;
  /** The offending request field, when known (`messages[2].content`). */
  param?: string;
  /** The upstream's own error type string, when it came from an upstream. */
  upstreamType?: string;
}

export interface LlmuxErrorOptions {
  status?: number;
  retryable?: boolean;
  retryAfterMs?: number;
  param?: string;
  upstreamType?: string;
  cause?: unknown;
}

export class LlmuxError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly param: string | undefined;
  readonly upstreamType: string | undefined;

  constructor(code: ErrorCode, message: string, options: LlmuxErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "LlmuxError";
    this.code = code;
    this.status = options.status ?? DEFAULT_STATUS[code];
    this.retryable = options.retryable ?? RETRYABLE.has(code);
    this.retryAfterMs = options.retryAfterMs;
    this.param = options.param;
    this.upstreamType = options.upstreamType;
  }

  toData(): LlmuxErrorData {
    const data: LlmuxErrorData = {
      code: this.code,
      status: this.status,
      message: this.message,
      retryable: this.retryable,
    };
    if (this.retryAfterMs !== undefined) data.retryAfterMs = this.retryAfterMs;
    if (this.param !== undefined) data.param = this.param;
    if (this.upstreamType !== undefined) data.upstreamType = this.upstreamType;
    return data;
  }

  static fromData(data: LlmuxErrorData): LlmuxError {
    const options: LlmuxErrorOptions = { status: data.status, retryable: data.retryable };
    if (data.retryAfterMs !== undefined) options.retryAfterMs = data.retryAfterMs;
    if (data.param !== undefined) options.param = data.param;
    if (data.upstreamType !== undefined) options.upstreamType = data.upstreamType;
    return new LlmuxError(data.code, data.message, options);
  }
}

export function toLlmuxError(error: unknown): LlmuxError {
  if (error instanceof LlmuxError) return error;
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return new LlmuxError("invalid_request", "request body nests too deeply to process", { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new LlmuxError("internal", message, { cause: error });
}

export function defaultStatus(code: ErrorCode): number {
  return DEFAULT_STATUS[code];
}
