import { safeParseJson } from "../../json/safe-parse.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../../model/json.js";
import type { MediaSource, Part, ToolCallPart } from "../../model/parts.js";
import { assertNever } from "../../model/protocol.js";
import { carrySignature } from "../../model/reasoning-carry.js";
import { geminiSignature } from "./signatures.js";
import type { WarningSink } from "./warnings.js";

const MIME_BY_EXTENSION: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  heic: "image/heic",
  heif: "image/heif",
  pdf: "application/pdf",
  txt: "text/plain",
  md: "text/markdown",
  html: "text/html",
  csv: "text/csv",
  mp3: "audio/mp3",
  wav: "audio/wav",
  mp4: "video/mp4",
};

function mimeFromUrl(url: string): string | undefined {
  const path = url.split(/[?#]/, 1)[0] ?? "";
  const dot = path.lastIndexOf(".");
  return dot === -1 ? undefined : MIME_BY_EXTENSION[path.slice(dot + 1).toLowerCase()];
}

const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*),/;

/** `data:<mime>;base64,<data>` -> its parts; `undefined` when `text` is not a base64 data URL. */
function splitDataUrl(text: string): { mimeType: string; data: string } | undefined {
  const match = DATA_URL.exec(text);
  if (match === null || !(match[2] ?? "").includes(";base64")) return undefined;
  return { mimeType: match[1] ?? "", data: text.slice(match[0].length) };
}

/**
 * An image or file as a Gemini part. Base64 -> `inlineData` (a `data:` prefix is stripped,
 * never sent); a URL -> `fileData` (a data URL becomes `inlineData`); a Files API name or
 * URI -> `fileData`. `undefined` (with a warning) for a provider file id Gemini cannot read.
 */
export function encodeMedia(
  source: MediaSource,
  fallbackMime: string,
  warnings: WarningSink,
): JsonObject | undefined {
  switch (source.kind) {
    case "base64": {
      const inline = splitDataUrl(source.data);
      const mimeType = source.mediaType !== "" ? source.mediaType : (inline?.mimeType ?? fallbackMime);
      return { inlineData: { mimeType: mimeType || fallbackMime, data: inline?.data ?? source.data } };
    }
    case "url": {
      const inline = splitDataUrl(source.url);
      if (inline !== undefined)
        return { inlineData: { mimeType: inline.mimeType || fallbackMime, data: inline.data } };
      const fileData: JsonObject = { fileUri: source.url };
      const mimeType = mimeFromUrl(source.url);
      if (mimeType !== undefined) fileData.mimeType = mimeType;
      return { fileData };
    }
    case "file-id":
      if (/^(files\/|https?:\/\/|gs:\/\/)/.test(source.fileId))
        return { fileData: { fileUri: source.fileId } };
      warnings.add(
        "gemini_file_id_dropped",
        `file id "${source.fileId}" is not a Gemini file and was dropped`,
      );
      return undefined;
    default:
      return assertNever(source, "media source");
  }
}

/** A tool call's JSON-text arguments as the object Gemini's `args` needs. */
export function argumentsObject(call: ToolCallPart, warnings: WarningSink): JsonObject {
  if (call.kind === "custom") {
    warnings.add(
      "gemini_custom_tool_input",
      `free-form input of tool "${call.name}" was sent as {"input": text}`,
    );
    return { input: call.arguments };
  }
  const text = call.arguments.trim();
  if (text === "") return {};
  const parsed = safeParseJson(text);
  if (parsed.ok && isJsonObject(parsed.value)) return parsed.value;
  warnings.add(
    "gemini_tool_arguments_wrapped",
    `arguments of tool call "${call.name}" are not a JSON object; sent as {"input": text}`,
  );
  return { input: call.arguments };
}

export interface ModelPartsOptions {
  /** Put this signature on a function call part that has none (Gemini 3 request history). */
  placeholderSignature?: string;
  /** Keep whitespace-only text (responses to clients); upstream requests drop it. */
  keepBlankText?: boolean;
  /**
   * Responses to clients: a foreign reasoning signature rides in an envelope
   * (core/model/reasoning-carry.ts) on the next function call, where Gemini clients keep it.
   */
  carryForeign?: boolean;
}

/**
 * Assistant content -> Gemini model parts, for request history and for responses alike.
 * - text: empty text is dropped, and whitespace-only text unless `keepBlankText`;
 * - thinking: `{text, thought: true}`; a Gemini signature rides along; a thinking part that
 *   is only a Gemini signature goes back onto the text part before it (where Gemini put it)
 *   or stands alone as `{"text":"", thoughtSignature}`; foreign signatures and redacted
 *   reasoning are dropped with a warning;
 * - tool calls: `functionCall {id, name, args}` with their Gemini signature.
 */
export function encodeModelParts(
  parts: readonly Part[],
  warnings: WarningSink,
  options: ModelPartsOptions = {},
): JsonObject[] {
  const out: JsonObject[] = [];
  let lastText: JsonObject | undefined;
  let signedCall = false;
  let carried: string | undefined;
  for (const part of parts) {
    switch (part.type) {
      case "text":
        if (part.text === "" || (options.keepBlankText !== true && part.text.trim() === "")) break;
        lastText = { text: part.text };
        out.push(lastText);
        continue;
      case "thinking": {
        if (part.redactedData !== undefined) {
          warnings.add(
            "gemini_redacted_reasoning_dropped",
            "redacted reasoning cannot be sent to Gemini and was dropped",
          );
        }
        const signature = geminiSignature(part.signature);
        if (part.signature !== undefined && signature === undefined) {
          if (options.carryForeign === true) carried = carrySignature(part.signature, "gemini");
          else
            warnings.add(
              "gemini_foreign_signature_dropped",
              `a ${part.signature.origin} reasoning signature cannot be sent to Gemini and was dropped`,
            );
        }
        if (part.text !== "") {
          const thought: JsonObject = { text: part.text, thought: true };
          if (signature !== undefined) thought.thoughtSignature = signature;
          out.push(thought);
        } else if (signature !== undefined) {
          if (lastText !== undefined && lastText.thoughtSignature === undefined)
            lastText.thoughtSignature = signature;
          else out.push({ text: "", thoughtSignature: signature });
        }
        break;
      }
      case "tool-call": {
        const functionCall: JsonObject = {
          id: part.id,
          name: part.name,
          args: argumentsObject(part, warnings),
        };
        const encoded: JsonObject = { functionCall };
        const signature = geminiSignature(part.signature);
        if (part.signature !== undefined && signature === undefined) {
          warnings.add(
            "gemini_foreign_signature_dropped",
            `a ${part.signature.origin} signature on tool call "${part.name}" cannot be sent to Gemini`,
          );
        }
        if (signature !== undefined) encoded.thoughtSignature = signature;
        else if (carried !== undefined) {
          encoded.thoughtSignature = carried;
          carried = undefined;
        } else if (!signedCall && options.placeholderSignature !== undefined) {
          encoded.thoughtSignature = options.placeholderSignature;
          warnings.add(
            "gemini_thought_signature_placeholder",
            "a replayed function call has no Gemini thought signature; the documented placeholder was sent",
          );
        }
        signedCall = true;
        out.push(encoded);
        break;
      }
      case "image":
      case "file": {
        const media = encodeMedia(
          part.source,
          part.type === "image" ? "image/jpeg" : "application/octet-stream",
          warnings,
        );
        if (media !== undefined) out.push(media);
        break;
      }
      case "tool-result":
        warnings.add("gemini_misplaced_tool_result", "a tool result inside an assistant message was dropped");
        break;
      default:
        assertNever(part, "part");
    }
    lastText = undefined;
  }
  if (carried !== undefined) out.push({ text: "", thoughtSignature: carried });
  return out;
}

/** Human (user, system) content -> Gemini parts: text, images, files. */
export function encodeUserParts(parts: readonly Part[], warnings: WarningSink, prefix = ""): JsonObject[] {
  const out: JsonObject[] = [];
  for (const part of parts) {
    switch (part.type) {
      case "text":
        if (part.text.trim() !== "") out.push({ text: prefix === "" ? part.text : `${prefix}${part.text}` });
        break;
      case "image":
      case "file": {
        const media = encodeMedia(
          part.source,
          part.type === "image" ? "image/jpeg" : "application/octet-stream",
          warnings,
        );
        if (media !== undefined) out.push(media);
        break;
      }
      case "thinking":
      case "tool-call":
        warnings.add("gemini_misplaced_part_dropped", `a ${part.type} part in a user message was dropped`);
        break;
      case "tool-result":
        // Callers split tool results out before encoding human content.
        break;
      default:
        assertNever(part, "part");
    }
  }
  return out;
}

/** Tool result text -> the `response` object Gemini wants: JSON objects as they are, else `{output}` / `{error}`. */
export function toolResponseObject(text: string | undefined, isError: boolean): JsonObject {
  if (text === undefined) return {};
  const parsed = safeParseJson(text);
  const value: JsonValue = parsed.ok && isJsonObject(parsed.value) ? parsed.value : text;
  if (isError) return { error: value };
  return isJsonObject(value) ? value : { output: text };
}
