import type { MediaSource } from "../../model/parts.js";

/** `data:<type>[;param]*;base64,<data>` -> its parts; `undefined` for anything else. */
export function parseBase64DataUrl(url: string): { mediaType: string; data: string } | undefined {
  if (!url.startsWith("data:")) return undefined;
  const comma = url.indexOf(",");
  if (comma === -1) return undefined;
  const header = url.slice(5, comma);
  const params = header.split(";");
  if (params[params.length - 1]?.toLowerCase() !== "base64") return undefined;
  const mediaType = params[0] === undefined || params[0] === "" ? "application/octet-stream" : params[0];
  return { mediaType, data: url.slice(comma + 1) };
}

export function toDataUrl(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`;
}

/** An `image_url.url` as a media source: data URLs become base64 (no `data:` prefix kept). */
export function decodeImageUrl(url: string): MediaSource {
  const parsed = parseBase64DataUrl(url);
  return parsed === undefined ? { kind: "url", url } : { kind: "base64", ...parsed };
}

/** Chat `file.file_data` is a data URL; a bare base64 string is taken as a PDF, the one type Chat accepts. */
export function decodeFileData(fileData: string, filename: string | undefined): MediaSource {
  const parsed = parseBase64DataUrl(fileData);
  if (parsed !== undefined) return { kind: "base64", ...parsed };
  const mediaType = filename?.toLowerCase().endsWith(".txt") ? "text/plain" : "application/pdf";
  return { kind: "base64", mediaType, data: fileData };
}
