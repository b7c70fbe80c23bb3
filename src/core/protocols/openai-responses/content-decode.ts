import type { JsonObject } from "../../model/json.js";
import type { MediaSource, Part, TextPart, ToolResultContent } from "../../model/parts.js";
import type { Warning } from "../../model/warnings.js";
import { parseAt } from "../shared/validate.js";
import { filePartSchema, imagePartSchema, refusalPartSchema, textPartSchema } from "./schema.js";
import { stringAt } from "./wire.js";

const DATA_URL = /^data:([^;,]+)((?:;[^;,]+)*);base64,/;

/** A URL as a media source; a base64 `data:` URL becomes inline data (its prefix never leaks). */
export function sourceFromUrl(url: string): MediaSource {
  const match = DATA_URL.exec(url);
  if (match?.[1] !== undefined) {
    return { kind: "base64", mediaType: match[1], data: url.slice(match[0].length) };
  }
  return { kind: "url", url };
}

function mediaTypeForFilename(filename: string | undefined): string {
  const extension = filename?.split(".").pop()?.toLowerCase();
  if (extension === "pdf") return "application/pdf";
  if (extension === "txt") return "text/plain";
  return "application/octet-stream";
}

/** One content part of a message or tool output; undefined (with a warning) when it has no canonical form. */
export function decodeContentPart(part: JsonObject, path: string, warnings: Warning[]): Part | undefined {
  const type = stringAt(part, "type");
  switch (type) {
    case "input_text":
    case "output_text":
    case "text":
      return { type: "text", text: parseAt(textPartSchema, part, path).text };
    case "refusal":
      return { type: "text", text: parseAt(refusalPartSchema, part, path).refusal };
    case "input_image": {
      const wire = parseAt(imagePartSchema, part, path);
      const source: MediaSource =
        typeof wire.image_url === "string"
          ? sourceFromUrl(wire.image_url)
          : { kind: "file-id", fileId: wire.file_id ?? "" };
      const image: Part = { type: "image", source };
      if (typeof wire.detail === "string") image.detail = wire.detail;
      return image;
    }
    case "input_file": {
      const wire = parseAt(filePartSchema, part, path);
      const filename = typeof wire.filename === "string" ? wire.filename : undefined;
      let source: MediaSource;
      if (typeof wire.file_data === "string") {
        source = wire.file_data.startsWith("data:")
          ? sourceFromUrl(wire.file_data)
          : { kind: "base64", mediaType: mediaTypeForFilename(filename), data: wire.file_data };
      } else if (typeof wire.file_url === "string") {
        source = { kind: "url", url: wire.file_url };
      } else {
        source = { kind: "file-id", fileId: wire.file_id ?? "" };
      }
      const file: Part = { type: "file", source };
      if (filename !== undefined) file.filename = filename;
      return file;
    }
    default:
      warnings.push({
        code: "content_part_dropped",
        message: `${path}: content part of type ${type ?? "(none)"} is not supported; dropped`,
      });
      return undefined;
  }
}

/** Message content: a string or an array of parts. */
export function decodeContent(
  content: string | readonly JsonObject[],
  path: string,
  warnings: Warning[],
): Part[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  const parts: Part[] = [];
  content.forEach((part, position) => {
    const decoded = decodeContentPart(part, `${path}[${position}]`, warnings);
    if (decoded !== undefined) parts.push(decoded);
  });
  return parts;
}

/** Tool output content keeps text, images and files. */
export function decodeToolOutput(
  output: string | readonly JsonObject[],
  path: string,
  warnings: Warning[],
): ToolResultContent[] {
  const parts: ToolResultContent[] = [];
  for (const part of decodeContent(output, path, warnings)) {
    if (part.type === "text" || part.type === "image" || part.type === "file") parts.push(part);
  }
  return parts;
}

/** System content keeps its text; anything else is dropped with a warning. */
export function keepText(parts: readonly Part[], path: string, warnings: Warning[]): TextPart[] {
  const texts: TextPart[] = [];
  for (const part of parts) {
    if (part.type === "text") texts.push(part);
    else
      warnings.push({
        code: "system_content_dropped",
        message: `${path}: ${part.type} content in a system message is not supported; dropped`,
      });
  }
  return texts;
}
