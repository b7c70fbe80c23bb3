import { z } from "zod";
import type { MockScript } from "./script.js";

/** The wire edge of the mock: a script that arrives as JSON (the `x-mock-script` header). */

const count = z.number().int().nonnegative();

const toolCall = z.strictObject({
  name: z.string(),
  arguments: z.record(z.string(), z.json()).optional(),
  rawArguments: z.string().optional(),
  fragments: count.optional(),
  id: z.string().optional(),
  signature: z.string().optional(),
});

const step = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("text"), text: z.string(), deltas: count.optional() }),
  z.strictObject({
    type: z.literal("thinking"),
    text: z.string(),
    signature: z.string().optional(),
    encryptedContent: z.string().optional(),
    redactedData: z.string().optional(),
    deltas: count.optional(),
  }),
  z.strictObject({
    type: z.literal("tool-calls"),
    calls: z.array(toolCall),
    interleave: z.boolean().optional(),
  }),
]);

const finish = z.enum([
  "stop",
  "stop-sequence",
  "length",
  "tool-calls",
  "content-filter",
  "refusal",
  "pause",
  "malformed-tool-call",
  "context-window",
  "other",
]);

const headers = z.record(z.string(), z.string());

const mockScriptSchema = z.strictObject({
  steps: z.array(step).optional(),
  finish: finish.optional(),
  wireFinishReason: z.string().optional(),
  stopSequence: z.string().optional(),
  usage: z
    .strictObject({
      input: count.optional(),
      output: count.optional(),
      cacheRead: count.optional(),
      cacheWrite: count.optional(),
      reasoning: count.optional(),
    })
    .optional(),
  model: z.string().optional(),
  id: z.string().optional(),
  error: z
    .strictObject({
      status: z.number().int().min(400).max(599),
      body: z.json().optional(),
      message: z.string().optional(),
      headers: headers.optional(),
      retryAfterSeconds: z.number().nonnegative().optional(),
      retryAfterMs: count.optional(),
    })
    .optional(),
  streamError: z
    .strictObject({
      afterChunks: count.optional(),
      status: z.number().int().optional(),
      message: z.string().optional(),
      type: z.string().optional(),
    })
    .optional(),
  headerDelayMs: count.optional(),
  chunkDelayMs: count.optional(),
  disconnectAfterChunks: count.optional(),
  ping: z.boolean().optional(),
  headers: headers.optional(),
});

export type ScriptCheck = { ok: true; script: MockScript } | { ok: false; error: string };

/** Validate a script that arrived as JSON; the error names every bad field. */
export function checkMockScript(value: unknown): ScriptCheck {
  const result = mockScriptSchema.safeParse(value);
  if (!result.success) return { ok: false, error: `invalid mock script: ${z.prettifyError(result.error)}` };
  // The schema mirrors MockScript; the checked value is used as is (zod adds no defaults).
  return { ok: true, script: value as MockScript };
}
