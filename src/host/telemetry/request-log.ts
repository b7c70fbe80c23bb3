import type { Protocol } from "../../core/model/protocol.js";
import type { Usage } from "../../core/model/usage.js";

const quote = JSON.stringify;

/** A JSON number as JSON.stringify writes it (`null` for NaN and the infinities). */
function number(value: number): string {
  return Number.isFinite(value) ? String(value) : "null";
}

/** Milliseconds rounded to hundredths, as the log line shows them. */
export function roundMs(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * What the request's log line will say, filled in along the way. Every member exists from the
 * start (one object shape for every request), and `members` writes the line's JSON in a fixed
 * order, member by member: a request line costs string concatenation, not a generic walk of an
 * object whose keys differ from request to request.
 */
export class RequestLog {
  model: string | undefined = undefined;
  route: string | undefined = undefined;
  routeReason: string | undefined = undefined;
  selection: string | undefined = undefined;
  target: string | undefined = undefined;
  credential: string | undefined = undefined;
  upstreamProtocol: Protocol | undefined = undefined;
  mode: "passthrough" | "converted" | "local" | undefined = undefined;
  stream: boolean | undefined = undefined;
  status: number | undefined = undefined;
  ttfbMs: number | undefined = undefined;
  usage: Usage | undefined = undefined;
  finishReason: string | undefined = undefined;
  error: string | undefined = undefined;
  attempts: number | undefined = undefined;
  warnings: number | undefined = undefined;

  /**
   * The line's members after the request's own (`,"model":...` and so on, each with its leading
   * comma), undefined ones left out: the same text JSON.stringify gives for these fields.
   */
  members(): string {
    let text = "";
    if (this.model !== undefined) text += `,"model":${quote(this.model)}`;
    if (this.route !== undefined) text += `,"route":${quote(this.route)}`;
    if (this.routeReason !== undefined) text += `,"routeReason":${quote(this.routeReason)}`;
    if (this.selection !== undefined) text += `,"selection":${quote(this.selection)}`;
    if (this.target !== undefined) text += `,"target":${quote(this.target)}`;
    if (this.credential !== undefined) text += `,"credential":${quote(this.credential)}`;
    if (this.upstreamProtocol !== undefined) text += `,"upstreamProtocol":"${this.upstreamProtocol}"`;
    if (this.mode !== undefined) text += `,"mode":"${this.mode}"`;
    if (this.stream !== undefined) text += `,"stream":${this.stream}`;
    if (this.status !== undefined) text += `,"status":${number(this.status)}`;
    if (this.ttfbMs !== undefined) text += `,"ttfbMs":${number(roundMs(this.ttfbMs))}`;
    const usage = this.usage;
    if (usage !== undefined) {
      text += `,"usage":{"inputTokens":${number(usage.inputTokens)},"cacheReadTokens":${number(
        usage.cacheReadTokens,
      )},"cacheWriteTokens":${number(usage.cacheWriteTokens)},"outputTokens":${number(
        usage.outputTokens,
      )},"reasoningTokens":${number(usage.reasoningTokens)}}`;
    }
    if (this.finishReason !== undefined) text += `,"finishReason":${quote(this.finishReason)}`;
    if (this.error !== undefined) text += `,"error":${quote(this.error)}`;
    if (this.attempts !== undefined) text += `,"attempts":${number(this.attempts)}`;
    if (this.warnings !== undefined) text += `,"warnings":${number(this.warnings)}`;
    return text;
  }
}

/** Who the request was: the members before the log's own. */
export interface RequestLineHead {
  reqId: string;
  method: string | undefined;
  path: string;
  protocol: Protocol;
  tenant: string | undefined;
}

/** The request line's members (for `logLine`): the request, its log, then how long it took. */
export function requestLineMembers(
  head: RequestLineHead,
  log: RequestLog,
  latencyMs: number,
  clientAborted: boolean,
): string {
  let members = `,"reqId":${quote(head.reqId)},"method":${quote(head.method)},"path":${quote(head.path)},"protocol":"${head.protocol}"`;
  if (head.tenant !== undefined) members += `,"tenant":${quote(head.tenant)}`;
  members += `${log.members()},"latencyMs":${number(roundMs(latencyMs))}`;
  if (clientAborted) members += `,"clientAborted":true`;
  return members;
}
