import { accumulate, createSnapshot } from "../../model/accumulate.js";
import { LlmuxError } from "../../model/errors.js";
import { isJsonObject, type JsonObject } from "../../model/json.js";
import type { CoreContext } from "../../model/protocol.js";
import type { CanonicalResponse } from "../../model/response.js";
import type { ResponseEncodeOptions } from "../adapter.js";
import { decodeGeminiErrorPayload } from "./errors.js";
import { GeminiEventDecoder } from "./event-decoder.js";
import { encodeFinishReason } from "./finish.js";
import { encodeModelParts } from "./parts-encode.js";
import { encodeGeminiUsage } from "./usage.js";
import { WarningSink } from "./warnings.js";

/**
 * A generateContent body -> canonical response. It runs through the same state machine as
 * the stream decoder and the same reducer as a streamed response, so both paths agree.
 * Also accepts the JSON array that streamGenerateContent returns without `alt=sse`.
 */
export function decodeGeminiResponse(body: unknown, context: CoreContext): CanonicalResponse {
  const chunks = Array.isArray(body) ? body : [body];
  const snapshot = createSnapshot();
  const decoder = new GeminiEventDecoder(context, (event) => accumulate(event, snapshot), { complete: true });
  for (const chunk of chunks) {
    if (!isJsonObject(chunk)) {
      throw new LlmuxError(
        "upstream_error",
        "upstream response is not a Gemini GenerateContentResponse object",
      );
    }
    if (isJsonObject(chunk.error)) throw decodeGeminiErrorPayload(200, chunk);
    decoder.push(chunk);
  }
  decoder.end();
  if (snapshot.error !== undefined) throw LlmuxError.fromData(snapshot.error);
  const response = snapshot.response;
  if (decoder.extraCandidates) {
    response.warnings.push({
      code: "gemini_extra_candidates_dropped",
      message: "the upstream returned several candidates; only the first is kept",
    });
  }
  for (const kind of decoder.ignoredParts) {
    response.warnings.push({
      code: "gemini_part_dropped",
      message: `response part "${kind}" has no canonical form`,
    });
  }
  return response;
}

/** Unix seconds as the RFC 3339 `createTime` Gemini (Vertex) reports; `undefined` when unknown. */
export function createTimeOf(created: number): string | undefined {
  return Number.isFinite(created) && created > 0 ? new Date(created * 1000).toISOString() : undefined;
}

/** Canonical response -> generateContent body, reporting the model the client asked for. */
export function encodeGeminiResponse(
  response: CanonicalResponse,
  options: ResponseEncodeOptions,
): JsonObject {
  const parts = encodeModelParts(response.content, new WarningSink(), {
    keepBlankText: true,
    carryForeign: true,
  });
  if (parts.length === 0) parts.push({ text: "" });
  const body: JsonObject = {
    candidates: [
      {
        content: { role: "model", parts },
        finishReason: encodeFinishReason(response.finishReason),
        index: 0,
      },
    ],
    usageMetadata: encodeGeminiUsage(response.usage),
    modelVersion: options.model,
  };
  const createTime = createTimeOf(response.created);
  if (createTime !== undefined) body.createTime = createTime;
  body.responseId = response.id;
  return body;
}
