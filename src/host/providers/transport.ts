import type { IncomingHttpHeaders } from "node:http";
import { LlmuxError } from "../../core/model/errors.js";
import type { Protocol } from "../../core/model/protocol.js";
import type { Timeouts } from "../config/resolved.js";
import type { AbortLike } from "../pipeline/client-gone.js";

export interface UpstreamRequest {
  /** The wire protocol of `body`. */
  protocol: Protocol;
  /** Whether a streamed response was asked for. */
  stream: boolean;
  url: string;
  headers: Record<string, string>;
  body: string | Buffer;
  /** Aborted when the client goes away: the call is abandoned. */
  signal: AbortLike;
  timeouts: Timeouts;
}

export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body, chunk by chunk, as it arrives. */
  body: AsyncIterable<Buffer>;
  /** Discard the rest of the body and free the connection. */
  discard(): void;
}

/** A body that can hand over the rest of itself at once, without a turn of the consumer per chunk. */
export interface WholeBody {
  /** Everything up to the end; rejects past `limit` bytes (and drops the rest). */
  readWhole(limit: number): Promise<Buffer>;
}

export function responseTooLarge(limit: number): LlmuxError {
  return new LlmuxError("upstream_error", `upstream response exceeds ${limit} bytes`);
}

/** How a request reaches an upstream: HTTP (undici) or the in-process demo model. */
export interface Transport {
  send(request: UpstreamRequest): Promise<UpstreamResponse>;
  close(): Promise<void>;
}
