import type { JsonObject } from "../../model/json.js";
import type { CacheControl, FilePart, ImagePart } from "../../model/parts.js";
import { assertNever } from "../../model/protocol.js";
import type { WarningSink } from "./warnings.js";

/** The only image types the Messages API accepts. */
export const ANTHROPIC_IMAGE_TYPES: ReadonlySet<string> = new Set([
  "image/jpeg",
  "image/png",
  "image/gif",
  "image/webp",
]);

export function encodeCacheControl(cacheControl: CacheControl): JsonObject {
  const wire: JsonObject = { type: cacheControl.type };
  if (cacheControl.ttl !== undefined) wire.ttl = cacheControl.ttl;
  return wire;
}

function withCacheControl(block: JsonObject, cacheControl: CacheControl | undefined): JsonObject {
  if (cacheControl !== undefined) block.cache_control = encodeCacheControl(cacheControl);
  return block;
}

function normalizeMediaType(mediaType: string): string {
  const lower = mediaType.trim().toLowerCase();
  return lower === "image/jpg" ? "image/jpeg" : lower;
}

/** `data:<type>;base64,<data>` split into its parts; `undefined` for anything else. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = /^data:([^;,]+)(?:;[^;,]*)*;base64,(.*)$/s.exec(url);
  if (match?.[1] === undefined || match[2] === undefined) return undefined;
  return { mediaType: match[1], data: match[2] };
}

function omittedNote(what: string): JsonObject {
  return { type: "text", text: `[${what} omitted: not supported by this model]` };
}

function base64Image(mediaType: string, data: string, warnings: WarningSink): JsonObject {
  const type = normalizeMediaType(mediaType);
  if (!ANTHROPIC_IMAGE_TYPES.has(type)) {
    warnings.add("image_dropped", `image of type ${type} is not accepted by Anthropic; replaced by a note`);
    return omittedNote(`image (${type})`);
  }
  const inline = parseDataUrl(data);
  return { type: "image", source: { type: "base64", media_type: type, data: inline?.data ?? data } };
}

export function encodeImage(part: ImagePart, warnings: WarningSink): JsonObject {
  if (part.detail !== undefined && part.detail !== "auto") {
    warnings.add("image_detail_dropped", "image detail has no Anthropic equivalent and is ignored");
  }
  const source = part.source;
  let block: JsonObject;
  switch (source.kind) {
    case "base64":
      block = base64Image(source.mediaType, source.data, warnings);
      break;
    case "url": {
      const inline = parseDataUrl(source.url);
      block =
        inline === undefined
          ? { type: "image", source: { type: "url", url: source.url } }
          : base64Image(inline.mediaType, inline.data, warnings);
      break;
    }
    case "file-id":
      block = { type: "image", source: { type: "file", file_id: source.fileId } };
      break;
    default:
      return assertNever(source, "media source");
  }
  return block.type === "image" ? withCacheControl(block, part.cacheControl) : block;
}

function documentBlock(source: JsonObject, part: FilePart): JsonObject {
  const block: JsonObject = { type: "document", source };
  if (part.filename !== undefined) block.title = part.filename;
  return withCacheControl(block, part.cacheControl);
}

function base64File(part: FilePart, mediaType: string, data: string, warnings: WarningSink): JsonObject {
  const type = normalizeMediaType(mediaType);
  if (type === "application/pdf") {
    return documentBlock({ type: "base64", media_type: type, data }, part);
  }
  if (type.startsWith("text/")) {
    const text = Buffer.from(data, "base64").toString("utf8");
    return documentBlock({ type: "text", media_type: "text/plain", data: text }, part);
  }
  if (type.startsWith("image/")) {
    const image = base64Image(type, data, warnings);
    return image.type === "image" ? withCacheControl(image, part.cacheControl) : image;
  }
  warnings.add("file_dropped", `file of type ${type} is not accepted by Anthropic; replaced by a note`);
  return omittedNote(`file ${part.filename ?? ""} (${type})`.replace("  ", " "));
}

/** A file as an Anthropic document (PDF or plain text), an image, or a note when it has no form. */
export function encodeFile(part: FilePart, warnings: WarningSink): JsonObject {
  const source = part.source;
  switch (source.kind) {
    case "base64":
      return base64File(part, source.mediaType, source.data, warnings);
    case "url": {
      const inline = parseDataUrl(source.url);
      if (inline !== undefined) return base64File(part, inline.mediaType, inline.data, warnings);
      return documentBlock({ type: "url", url: source.url }, part);
    }
    case "file-id":
      return documentBlock({ type: "file", file_id: source.fileId }, part);
    default:
      return assertNever(source, "media source");
  }
}
