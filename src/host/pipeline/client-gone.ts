/**
 * The part of AbortSignal the request path uses. A real AbortSignal satisfies it; so does
 * `ClientGone`, which costs a plain object where an AbortController costs ~3 us per request.
 */
export interface AbortLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: "abort", listener: () => void): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/** Set when the client goes away before its response is complete; listeners hear it once. */
export class ClientGone implements AbortLike {
  aborted = false;
  reason: unknown;
  private listeners: (() => void)[] | undefined;

  abort(reason: unknown = new Error("the client went away")): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners !== undefined) for (const listener of listeners) listener();
  }

  addEventListener(_type: "abort", listener: () => void): void {
    if (this.aborted) return;
    if (this.listeners === undefined) this.listeners = [listener];
    else this.listeners.push(listener);
  }

  removeEventListener(_type: "abort", listener: () => void): void {
    const listeners = this.listeners;
    if (listeners === undefined) return;
    const index = listeners.indexOf(listener);
    if (index !== -1) listeners.splice(index, 1);
  }
}

/** A real AbortSignal that aborts with `source` (for APIs that need one: timers, fetch). */
export function toAbortSignal(source: AbortLike): AbortSignal {
  if (source instanceof AbortSignal) return source;
  const controller = new AbortController();
  if (source.aborted) controller.abort(source.reason);
  else source.addEventListener("abort", () => controller.abort(source.reason));
  return controller.signal;
}
