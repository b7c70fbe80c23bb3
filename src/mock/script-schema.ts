import * as v from "valibot";
import { isJsonObject, type JsonObject, type JsonValue } from "../core/model/json.js";
import type { MockScript } from "./script.js";

/** The wire edge of the mock: a script that arrives as JSON (the `x-mock-script` header). */

/** A JSON object with exactly these fields (valibot's object schemas alone also take arrays). */
function fields<const TEntries extends v.ObjectEntries>(entries: TEntries) {
  const object = v.strictObject(entries);
  return v.pipe(v.custom<v.InferInput<typeof object>>(isJsonObject, "expected an object"), object);
}

const json: v.GenericSchema<JsonValue> = v.lazy(() =>
  v.union([
    v.string(),
    v.pipe(v.number(), v.finite()),
    v.boolean(),
    v.null(),
    v.array(json),
    v.record(v.string(), json),
  ]),
);

const jsonObject = v.pipe(
  v.custom<JsonObject>(isJsonObject, "expected an object"),
  v.record(v.string(), json),
);

const count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

const toolCall = fields({
  name: v.string(),
  arguments: v.exactOptional(jsonObject),
  rawArguments: v.exactOptional(v.string()),
  fragments: v.exactOptional(count),
  id: v.exactOptional(v.string()),
  signature: v.exactOptional(v.string()),
});

const step = v.variant("type", [
  v.strictObject({ type: v.literal("text"), text: v.string(), deltas: v.exactOptional(count) }),
  v.strictObject({
    type: v.literal("thinking"),
    text: v.string(),
    signature: v.exactOptional(v.string()),
    encryptedContent: v.exactOptional(v.string()),
    redactedData: v.exactOptional(v.string()),
    deltas: v.exactOptional(count),
  }),
  v.strictObject({
    type: v.literal("tool-calls"),
    calls: v.array(toolCall),
    interleave: v.exactOptional(v.boolean()),
  }),
]);

const finish = v.picklist([
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

const headers = v.pipe(
  v.custom<Record<string, string>>(isJsonObject, "expected an object"),
  v.record(v.string(), v.string()),
);

const mockScriptSchema = fields({
  steps: v.exactOptional(v.array(step)),
  finish: v.exactOptional(finish),
  wireFinishReason: v.exactOptional(v.string()),
  stopSequence: v.exactOptional(v.string()),
  usage: v.exactOptional(
    fields({
      input: v.exactOptional(count),
      output: v.exactOptional(count),
      cacheRead: v.exactOptional(count),
      cacheWrite: v.exactOptional(count),
      reasoning: v.exactOptional(count),
    }),
  ),
  model: v.exactOptional(v.string()),
  id: v.exactOptional(v.string()),
  error: v.exactOptional(
    fields({
      status: v.pipe(v.number(), v.safeInteger(), v.minValue(400), v.maxValue(599)),
      body: v.exactOptional(json),
      message: v.exactOptional(v.string()),
      headers: v.exactOptional(headers),
      retryAfterSeconds: v.exactOptional(v.pipe(v.number(), v.finite(), v.minValue(0))),
      retryAfterMs: v.exactOptional(count),
    }),
  ),
  streamError: v.exactOptional(
    fields({
      afterChunks: v.exactOptional(count),
      status: v.exactOptional(v.pipe(v.number(), v.safeInteger())),
      message: v.exactOptional(v.string()),
      type: v.exactOptional(v.string()),
    }),
  ),
  headerDelayMs: v.exactOptional(count),
  chunkDelayMs: v.exactOptional(count),
  disconnectAfterChunks: v.exactOptional(count),
  ping: v.exactOptional(v.boolean()),
  headers: v.exactOptional(headers),
});

export type ScriptCheck = { ok: true; script: MockScript } | { ok: false; error: string };

/** Validate a script that arrived as JSON; the error names each bad field by path (an object's first unknown key). */
export function checkMockScript(value: unknown): ScriptCheck {
  const result = v.safeParse(mockScriptSchema, value);
  if (!result.success) {
    const problems = result.issues.map(
      (issue) => `${v.getDotPath(issue) ?? "(top level)"}: ${issue.message}`,
    );
    return { ok: false, error: `invalid mock script: ${problems.join("; ")}` };
  }
  // The output has the script's own fields only; its type is checked against MockScript here.
  const script: MockScript = result.output;
  return { ok: true, script };
}
