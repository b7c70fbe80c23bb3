import { describe, expect, it } from "vitest";
import { RequestLog } from "./request-log.js";

/** The members as JSON.stringify would write the same fields. */
function reference(log: RequestLog): string {
  const fields = {
    ...log,
    ttfbMs: log.ttfbMs === undefined ? undefined : Math.round(log.ttfbMs * 100) / 100,
  };
  const json = JSON.stringify(fields);
  return json === "{}" ? "" : `,${json.slice(1, -1)}`;
}

describe("RequestLog.members", () => {
  it("is empty for a request that got nowhere", () => {
    expect(new RequestLog().members()).toBe("");
  });

  it("writes every field as JSON.stringify does, escapes included", () => {
    const log = new RequestLog();
    log.model = 'quote " slash \\ newline \n \u00e9 \u{1f600} \u2028 \ud800';
    log.route = "default";
    log.routeReason = "long-context (tokens 90000 >= 60000)";
    log.selection = "order";
    log.target = "mock/a";
    log.credential = "mock#1";
    log.upstreamProtocol = "anthropic";
    log.mode = "converted";
    log.stream = true;
    log.status = 200;
    log.ttfbMs = 12.345_678;
    log.usage = {
      inputTokens: 10,
      cacheReadTokens: 2,
      cacheWriteTokens: 0,
      outputTokens: 7,
      reasoningTokens: 3,
    };
    log.finishReason = "tool_use";
    log.error = 'upstream said "no"\u0000';
    log.attempts = 2;
    log.warnings = 1;
    // Every member is set here, so one added to the class but not to `members()` fails this test.
    for (const [key, value] of Object.entries(log)) expect(value, key).not.toBeUndefined();
    const members = log.members();
    expect(members).toBe(reference(log));
    expect(JSON.parse(`{${members.slice(1)}}`)).toMatchObject({ ttfbMs: 12.35, usage: { outputTokens: 7 } });
  });

  it("writes numbers JSON cannot hold as null, like JSON.stringify", () => {
    const log = new RequestLog();
    log.status = 502;
    log.ttfbMs = Number.NaN;
    log.usage = {
      inputTokens: Number.POSITIVE_INFINITY,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 1e21,
      reasoningTokens: -0,
    };
    log.stream = false;
    expect(log.members()).toBe(reference(log));
  });
});
