import { expect } from "vitest";
import { type ImageView, partsOf } from "./conversation-view.js";
import type { InvariantId, RequestCase, RequestConversion } from "./request-case.js";

/** How Gemini carries a system message that comes after the conversation start. */
const GEMINI_MID_SYSTEM_PREFIX = "System: ";
const ENVELOPE = "llmux1:";

function normalizedImage(image: ImageView): ImageView {
  return "url" in image ? { url: image.url } : { mediaType: image.mediaType, data: image.data };
}

/** `needles` appear in `haystack` in order (other items may come between). */
function isSubsequence(
  needles: string[],
  haystack: string[],
  same: (a: string, b: string) => boolean,
): boolean {
  let position = 0;
  for (const item of haystack) {
    if (position < needles.length && same(needles[position]!, item)) position++;
  }
  return position === needles.length;
}

/**
 * What must survive any conversion: the system prompt, every text in order, every image
 * (with no `data:` prefix left in base64 data), every tool call with its name and
 * arguments (and its id, when the client gave one), and one result per call, with its text.
 */
export function checkSurvival(conversion: RequestConversion): void {
  const { source, target, to } = conversion;
  expect(target.system.join("\n\n"), "system prompt").toBe(source.system.join("\n\n"));

  // Blank texts are dropped (upstreams reject them); every other text survives, in order.
  const sourceTexts = partsOf(source, "text")
    .map((part) => part.text)
    .filter((text) => text.trim() !== "");
  const targetTexts = partsOf(target, "text").map((part) => part.text);
  const sameText = (a: string, b: string) =>
    a === b || (to === "gemini" && b === GEMINI_MID_SYSTEM_PREFIX + a);
  expect(
    isSubsequence(sourceTexts, targetTexts, sameText),
    `texts survive in order: ${JSON.stringify(targetTexts)}`,
  ).toBe(true);
  for (const text of targetTexts) expect(text.trim(), "no blank text is sent").not.toBe("");

  const images = partsOf(target, "image").map((part) => normalizedImage(part.image));
  expect(images, "images").toEqual(partsOf(source, "image").map((part) => normalizedImage(part.image)));
  for (const image of images)
    if ("data" in image) expect(image.data.startsWith("data:"), "no data: prefix in base64").toBe(false);

  const sourceCalls = partsOf(source, "call");
  const targetCalls = partsOf(target, "call");
  expect(
    targetCalls.map(({ name, args }) => ({ name, args })),
    "tool calls",
  ).toEqual(sourceCalls.map(({ name, args }) => ({ name, args })));
  const ids = targetCalls.map((call) => call.id);
  for (const id of ids) expect(id === undefined || id === "", "every call has an id").toBe(false);
  expect(new Set(ids).size, "call ids are unique").toBe(ids.length);
  if (sourceCalls.every((call) => call.id !== undefined)) {
    expect(ids, "tool call ids are carried").toEqual(sourceCalls.map((call) => call.id));
  }

  const sourceResults = partsOf(source, "result");
  const targetResults = partsOf(target, "result");
  expect(
    targetResults.map((result) => result.text),
    "tool results",
  ).toEqual(sourceResults.map((result) => result.text));
  for (const id of ids) {
    expect(
      targetResults.filter((result) => result.id === id),
      `one result for call ${id}`,
    ).toHaveLength(1);
  }
  for (const result of targetResults) {
    const call = targetCalls.find((candidate) => candidate.id === result.id);
    expect(call, `result ${result.id} answers a call`).toBeDefined();
    if (result.name !== undefined) expect(result.name, "result name").toBe(call?.name);
  }
}

/**
 * Reasoning artifacts go back only to the protocol that issued them: a foreign one never
 * reaches an upstream (it is dropped with a warning), a native one always does, and the
 * llmux envelope never leaves llmux toward an upstream.
 */
export function checkSignatures(
  testCase: RequestCase,
  conversion: RequestConversion,
  skips: ReadonlySet<InvariantId> = new Set(),
): void {
  const { to, input, body, warnings } = conversion;
  const sent = JSON.stringify(body);
  const received = JSON.stringify(input.body);
  expect(sent.includes(ENVELOPE), "no llmux envelope upstream").toBe(false);
  let dropped = false;
  for (const [value, origin] of Object.entries(testCase.signatures ?? {})) {
    if (!received.includes(value)) continue;
    if (origin === to) expect(sent.includes(value), `${origin} artifact returns to ${origin}`).toBe(true);
    else {
      expect(sent.includes(value), `${origin} artifact never reaches ${to}`).toBe(false);
      dropped = true;
    }
  }
  if (dropped && !skips.has("drop-warning"))
    expect(warnings.length, "a dropped artifact is reported").toBeGreaterThan(0);
}
