import { describe, expect, it } from "vitest";
import { PROTOCOLS, type Protocol } from "../../src/core/model/protocol.js";
import {
  type MockScript,
  resolveFinish,
  resolveSteps,
  resolveUsage,
  toolArgumentsText,
} from "../../src/mock/script.js";
import { RESPONSE_CASES } from "./cases/responses.js";
import { type ResponseView, readResponseView } from "./support/client-response-view.js";
import { checkClientStream } from "./support/client-stream-structure.js";
import { readStreamView } from "./support/client-stream-view.js";
import { formatGoldenJson, goldenPath, pairName, parseJsonText } from "./support/golden-files.js";
import { CARRIED_FINISH, carriedCounts, clientFinish, clientUsage } from "./support/response-expectations.js";
import { convertBody, convertStream } from "./support/run-response.js";

/**
 * The response half of the golden matrix: the same mock script rendered by each upstream
 * protocol, decoded by the upstream's adapter and encoded for each client protocol, both as
 * a whole body (decodeResponse -> encodeResponse) and as a stream (stream decoder -> stream
 * encoder). Goldens: the client body and the client SSE text. Both are read back the way a
 * client library would and checked against the script.
 */

interface Conversion {
  upstream: Protocol;
  client: Protocol;
  script: MockScript;
}

/** The reasoning artifact each upstream issues for the script (Chat carries none). */
function upstreamArtifact(upstream: Protocol, script: MockScript): string | undefined {
  const thinking = resolveSteps(script).find((step) => step.type === "thinking");
  if (thinking?.type !== "thinking" || upstream === "openai-chat") return undefined;
  return upstream === "openai-responses" ? thinking.encryptedContent : thinking.signature;
}

function scriptText(script: MockScript, kind: "text" | "thinking"): string {
  return resolveSteps(script)
    .map((step) => (step.type === kind ? step.text : ""))
    .join("");
}

/** What must survive, read from the client's body or stream. */
function checkView(view: ResponseView, { upstream, client, script }: Conversion): void {
  const steps = resolveSteps(script);
  const calls = steps.flatMap((step) => (step.type === "tool-calls" ? step.calls : []));
  expect(view.text, "text").toBe(scriptText(script, "text"));
  expect(view.reasoning, "reasoning text").toBe(scriptText(script, "thinking"));
  expect(
    view.calls.map(({ name, args }) => ({ name, args })),
    "tool calls, in order",
  ).toEqual(calls.map((call) => ({ name: call.name, args: parseJsonText(toolArgumentsText(call)) })));
  const ids = view.calls.map((call) => call.id);
  // Gemini sends no call ids: the client gets synthetic ones.
  if (upstream === "gemini") for (const id of ids) expect(id).toMatch(/\S/);
  else expect(ids, "tool call ids").toEqual(calls.map((call) => call.id));
  expect(new Set(ids).size, "unique ids").toBe(ids.length);
  for (const call of view.calls)
    if (call.rawArgs !== undefined) expect(call.rawArgs, "never empty arguments").not.toBe("");
  const finish = CARRIED_FINISH[upstream][resolveFinish(script, steps)];
  expect(view.finish, "finish reason").toMatchObject(clientFinish(client, finish));
  expect(view.usage, "usage").toMatchObject(
    clientUsage(client, carriedCounts(upstream, resolveUsage(script, steps))),
  );
}

/**
 * A reasoning artifact returns only to the protocol that issued it: a client of its protocol gets it
 * bare; Responses, Anthropic and Gemini clients keep a foreign one in an envelope they replay;
 * Chat clients have no such field and never see it.
 */
function checkArtifact(text: string, { upstream, client, script }: Conversion): void {
  const artifact = upstreamArtifact(upstream, script);
  if (artifact === undefined) return;
  if (client === upstream) expect(text).toContain(JSON.stringify(artifact));
  else if (client !== "openai-chat") expect(text).toContain(`llmux1:${upstream}:${artifact}`);
  else expect(text, `a ${upstream} artifact never reaches a ${client} client`).not.toContain(artifact);
}

describe.each(RESPONSE_CASES)("response $name", ({ name, script, streamBugs }) => {
  for (const upstream of PROTOCOLS) {
    for (const client of PROTOCOLS) {
      const conversion: Conversion = { upstream, client, script };
      const file = goldenPath("responses", name, pairName(upstream, client));
      const bug = streamBugs?.find((known) => known.pairs.includes(`${upstream}->${client}`));

      it(`${upstream} upstream -> ${client} client, body`, async () => {
        const body = convertBody(upstream, client, script);
        // Invariants first: a conversion that breaks one never gets its golden written.
        checkView(readResponseView(client, body), conversion);
        checkArtifact(JSON.stringify(body), conversion);
        await expect(formatGoldenJson(body)).toMatchFileSnapshot(`${file}.json`);
      });

      if (bug !== undefined) {
        it(`${upstream} upstream -> ${client} client, stream wire rules (no golden: known bug below)`, () => {
          checkClientStream(client, convertStream(upstream, client, script));
        });
        it.fails(`${upstream} upstream -> ${client} client, stream KNOWN BUG: ${bug.title}`, () => {
          checkView(readStreamView(client, convertStream(upstream, client, script)), conversion);
        });
        continue;
      }
      it(`${upstream} upstream -> ${client} client, stream`, async () => {
        const sse = convertStream(upstream, client, script);
        checkClientStream(client, sse);
        checkView(readStreamView(client, sse), conversion);
        checkArtifact(sse, conversion);
        await expect(sse).toMatchFileSnapshot(`${file}.sse`);
      });
    }
  }
});

it("response golden index lists every case and its known stream bugs", async () => {
  const lines = [
    "# Response goldens",
    "",
    "`<case>/<upstream protocol>--to--<client protocol>.json`: the client body (decodeResponse -> encodeResponse);",
    "`.sse`: the client stream (stream decoder -> stream encoder, the client asked for usage).",
    "The upstream answer is the case's mock script (src/mock/script.ts) rendered by src/mock/render.",
    "",
  ];
  for (const { name, summary, script, streamBugs } of RESPONSE_CASES) {
    lines.push(`- \`${name}\`: ${summary}. Script: \`${JSON.stringify(script)}\``);
    for (const bug of streamBugs ?? []) {
      lines.push(`  - KNOWN BUG (no .sse golden for ${bug.pairs.join(", ")}): ${bug.title}`);
    }
  }
  await expect(`${lines.join("\n")}\n`).toMatchFileSnapshot(goldenPath("responses", "README.md"));
});
