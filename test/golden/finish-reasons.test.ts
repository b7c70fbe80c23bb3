import { describe, expect, it } from "vitest";
import type { FinishReason } from "../../src/core/model/finish.js";
import type { JsonObject } from "../../src/core/model/json.js";
import { PROTOCOLS } from "../../src/core/model/protocol.js";
import { renderMockResponse } from "../../src/mock/render/mock-response.js";
import type { MockScript } from "../../src/mock/script.js";
import { readResponseView } from "./support/client-response-view.js";
import { checkClientStream } from "./support/client-stream-structure.js";
import { readStreamView } from "./support/client-stream-view.js";
import { FIXED_NOW, formatGoldenJson, goldenPath, pairName, parseJsonText } from "./support/golden-files.js";
import { objectOf } from "./support/json-access.js";
import { CARRIED_FINISH, clientFinish, FINISH_REASONS } from "./support/response-expectations.js";
import { convertBody, convertStream, UPSTREAM_MODEL } from "./support/run-response.js";

/**
 * Every finish reason, from every upstream protocol to every client protocol, streaming and
 * not. One golden per pair: for each canonical reason the upstream's wire value, the
 * client body's finish fields and the client stream's. The stream's terminal event carrying
 * the reason (before `[DONE]` for Chat) is checked by the stream wire rules.
 */

/**
 * Upstreams whose wire marks the text itself as a refusal (Chat `refusal`, a Responses refusal
 * part). Anthropic's `stop_reason: "refusal"` says the turn was stopped, not that the text before
 * it is a refusal, so that text stays ordinary content, in the body as in the stream.
 */
const MARKS_REFUSAL_TEXT: readonly string[] = ["openai-chat", "openai-responses"];

function scriptFor(reason: FinishReason): MockScript {
  const base: MockScript =
    reason === "tool-calls"
      ? {
          steps: [
            {
              type: "tool-calls",
              calls: [{ id: "call_1", name: "get_weather", arguments: { city: "Paris" } }],
            },
          ],
        }
      : { steps: [{ type: "text", text: "Partial answer." }] };
  return {
    ...base,
    finish: reason,
    usage: { input: 10, output: 4 },
    ...(reason === "stop-sequence" ? { stopSequence: "END" } : {}),
  };
}

function upstreamWire(upstream: (typeof PROTOCOLS)[number], script: MockScript): JsonObject {
  const rendering = renderMockResponse(
    upstream,
    script,
    { model: UPSTREAM_MODEL, created: FIXED_NOW / 1000, seed: "1" },
    { stream: false },
  );
  if (rendering.kind !== "json") throw new Error("expected JSON");
  const body = parseJsonText(rendering.body);
  return readResponseView(upstream, objectOf(body as JsonObject) ?? {}).finish;
}

describe.each(PROTOCOLS)("finish reasons from a %s upstream", (upstream) => {
  it.each(PROTOCOLS)("to a %s client", async (client) => {
    const golden: JsonObject = {};
    for (const reason of FINISH_REASONS) {
      const script = scriptFor(reason);
      const body = readResponseView(client, convertBody(upstream, client, script));
      const sse = convertStream(upstream, client, script);
      checkClientStream(client, sse);
      const stream = readStreamView(client, sse);
      const expected = clientFinish(client, CARRIED_FINISH[upstream][reason]);
      expect(body.finish, `${reason}: body`).toMatchObject(expected);
      // The stream marks a refusal exactly as the body does.
      expect(stream.finish, `${reason}: stream`).toEqual(body.finish);
      if (reason === "refusal" && (client === "openai-chat" || client === "openai-responses")) {
        expect(
          body.finish.refusal,
          "a Chat client reads a marked refusal in message.refusal, a Responses client in a refusal part",
        ).toBe(MARKS_REFUSAL_TEXT.includes(upstream) ? "Partial answer." : undefined);
      }
      if (reason === "stop-sequence" && upstream === "anthropic" && client === "anthropic") {
        expect(body.finish.stop_sequence).toBe("END");
      }
      golden[reason] = { upstream: upstreamWire(upstream, script), body: body.finish, stream: stream.finish };
    }
    await expect(formatGoldenJson(golden)).toMatchFileSnapshot(
      goldenPath("finish-reasons", `${pairName(upstream, client)}.json`),
    );
  });
});
