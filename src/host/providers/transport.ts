import type { IncomingHttpHeaders } from "node:http";
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

/** How a request reaches an upstream: HTTP (undici) or the in-process demo model. */
export interface Transport {
  send(request: UpstreamRequest): Promise<UpstreamResponse>;
  close(): Promise<void>;
}
