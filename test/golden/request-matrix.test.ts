import { describe, expect, it } from "vitest";
import { PROTOCOLS, type Protocol } from "../../src/core/model/protocol.js";
import { ADAPTERS } from "../../src/core/protocols/registry.js";
import { midConversationSystem, samplingModelRules, textHistory } from "./cases/conversation.js";
import { images, toolResultImage } from "./cases/media.js";
import { reasoningForeign, reasoningSigned } from "./cases/reasoning-history.js";
import { reasoningBudget, reasoningDisabled, reasoningEffort } from "./cases/reasoning-settings.js";
import { structuredOutput, structuredOutputWithTools } from "./cases/structured-output.js";
import { toolChoiceCases } from "./cases/tool-choice.js";
import { noArgumentCall, parallelCallsHistory } from "./cases/tool-history.js";
import { readConversation } from "./support/conversation-view.js";
import { formatGoldenJson, goldenContext, goldenPath, pairName } from "./support/golden-files.js";
import {
  DEFAULT_TARGETS,
  type InvariantId,
  type RequestCase,
  type RequestConversion,
  type RequestInput,
} from "./support/request-case.js";
import { checkSignatures, checkSurvival } from "./support/request-invariants.js";
import { checkStructure } from "./support/request-structure.js";

/**
 * The request half of the from x to golden matrix: every case, written in each client
 * protocol that can express it, decoded by that protocol's adapter and encoded for each
 * upstream protocol. The golden is the upstream body and the warnings; the invariants of
 * issue 3 ("what must survive a conversion") are asserted in code for every golden.
 */

const CASES: RequestCase[] = [
  textHistory,
  midConversationSystem,
  samplingModelRules,
  images,
  toolResultImage,
  ...toolChoiceCases,
  parallelCallsHistory,
  noArgumentCall,
  reasoningSigned,
  reasoningForeign,
  reasoningEffort,
  reasoningBudget,
  reasoningDisabled,
  structuredOutput,
  structuredOutputWithTools,
];

function convert(
  testCase: RequestCase,
  from: Protocol,
  to: Protocol,
  input: RequestInput,
): RequestConversion {
  const context = goldenContext();
  const decoded = ADAPTERS[from].decodeRequest(input.body, input.info ?? {}, context);
  const model = testCase.targets?.[to] ?? DEFAULT_TARGETS[to];
  const encoded = ADAPTERS[to].encodeRequest(decoded.request, { model }, context);
  return {
    from,
    to,
    input,
    body: encoded.body,
    warnings: [...decoded.warnings, ...encoded.warnings],
    source: readConversation(from, input.body),
    target: readConversation(to, encoded.body),
  };
}

function checkInvariants(
  testCase: RequestCase,
  conversion: RequestConversion,
  skips: ReadonlySet<InvariantId> = new Set(),
): void {
  checkStructure(conversion.to, conversion.body);
  checkSurvival(conversion);
  checkSignatures(testCase, conversion, skips);
  testCase.check?.(conversion);
}

describe.each(CASES)("request $name", (testCase) => {
  for (const from of PROTOCOLS) {
    const input = testCase.inputs[from];
    if (input === undefined) continue;
    for (const to of PROTOCOLS) {
      const bug = testCase.knownBugs?.find((known) => known.pairs.includes(`${from}->${to}`));
      if (bug !== undefined) {
        it(`${from} -> ${to} (no golden: known bug below)`, () => {
          checkInvariants(testCase, convert(testCase, from, to, input), new Set(bug.skips));
        });
        it.fails(`${from} -> ${to} KNOWN BUG: ${bug.title}`, () => {
          bug.assertion(convert(testCase, from, to, input));
        });
        continue;
      }
      it(`${from} -> ${to}`, async () => {
        const conversion = convert(testCase, from, to, input);
        // Invariants first: a conversion that breaks one never gets its golden written.
        checkInvariants(testCase, conversion);
        const golden = formatGoldenJson({ body: conversion.body, warnings: conversion.warnings });
        await expect(golden).toMatchFileSnapshot(
          goldenPath("requests", testCase.name, `${pairName(from, to)}.json`),
        );
      });
    }
  }
});

it("request golden index lists every case and the rows a protocol cannot express", async () => {
  const lines = [
    "# Request goldens",
    "",
    "`<case>/<client protocol>--to--<upstream protocol>.json`: the upstream body and the warnings.",
    "",
  ];
  for (const testCase of CASES) {
    const rows = PROTOCOLS.filter((protocol) => testCase.inputs[protocol] !== undefined);
    lines.push(`- \`${testCase.name}\`: ${testCase.summary}. Rows: ${rows.join(", ")}.`);
    for (const bug of testCase.knownBugs ?? []) {
      lines.push(`  - KNOWN BUG (no golden for ${bug.pairs.join(", ")}): ${bug.title}`);
    }
  }
  lines.push("", "Default upstream models:", "");
  for (const protocol of PROTOCOLS) lines.push(`- ${protocol}: \`${DEFAULT_TARGETS[protocol]}\``);
  await expect(`${lines.join("\n")}\n`).toMatchFileSnapshot(goldenPath("requests", "README.md"));
});
