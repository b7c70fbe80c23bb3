import type { IncomingHttpHeaders } from "node:http";
import type { LlmuxError } from "../../core/model/errors.js";
import type { ResolvedTarget } from "../../core/routing/resolve-model.js";
import type { Failure } from "../providers/classify-failure.js";
import type { Lease } from "../providers/credential-pool.js";
import type { CredentialRuntime, ProviderRuntime } from "../providers/registry.js";

/** One try at one target with one credential, holding its lease. */
export interface Attempt {
  number: number;
  target: ResolvedTarget;
  provider: ProviderRuntime;
  credential: CredentialRuntime;
  lease: Lease;
  /** The secret sent (to tell a refresh which token was rejected). */
  secret: string | undefined;
}

/** What an attempt that failed before the client saw a byte brings back. */
export interface AttemptFailure {
  kind: "failed";
  failure: Omit<Failure, "now" | "canRefresh" | "dailyResetUtc">;
  error: LlmuxError;
  /** Send the upstream's own error response to the client as is (same-protocol passthrough). */
  respond?: () => void;
}

export type AttemptResult = { kind: "done" } | AttemptFailure;

/** A transport error as an attempt failure: no response, or no headers in time. */
export function transportFailure(error: LlmuxError): AttemptFailure {
  const connect = /^connect timeout|cannot reach upstream/.test(error.message);
  return { kind: "failed", failure: { phase: connect ? "connect" : "first-byte", error }, error };
}

/** An HTTP error response as an attempt failure. */
export function httpFailure(
  status: number,
  headers: IncomingHttpHeaders,
  body: string,
  error: LlmuxError,
  respond?: () => void,
): AttemptFailure {
  const result: AttemptFailure = {
    kind: "failed",
    failure: { phase: "first-byte", status, headers, body, error },
    error,
  };
  if (respond !== undefined) result.respond = respond;
  return result;
}
