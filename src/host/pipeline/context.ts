import type { IncomingMessage, ServerResponse } from "node:http";
import type { Protocol } from "../../core/model/protocol.js";
import type { RequestLog } from "../telemetry/request-log.js";
import type { ClientGone } from "./client-gone.js";

/** One request on its way through llmux: what it is, and what the log line will say about it. */
export interface RequestContext {
  readonly id: string;
  readonly startedAt: number;
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly url: URL;
  /** The protocol the client speaks (for errors and encoding). */
  protocol: Protocol;
  /** Who the client is, from its inbound key (router rules can match on it). */
  tenant?: string;
  /** Aborted when the client goes away before the response is complete. */
  readonly clientGone: ClientGone;
  log: RequestLog;
  /** While the client is behind on a stream: resolves when it has caught up (or gone). */
  drained: Promise<void> | undefined;
}
