const DEFAULT_MAX_LENGTH = 64;
const SAFE = /^[\x20\x21\x23-\x7e]*$/;

/**
 * Client-controlled text made safe for an explanation that may become a header value:
 * printable ASCII only (others become `?`), double quotes become single, bounded length.
 */
export function toPrintable(text: string, maxLength = DEFAULT_MAX_LENGTH): string {
  if (text.length <= maxLength && SAFE.test(text)) return text;
  const clean = text.replace(/[^\x20-\x7e]/g, "?").replace(/"/g, "'");
  return clean.length > maxLength ? `${clean.slice(0, maxLength)}...` : clean;
}

/** `toPrintable` in double quotes. */
export function quotePrintable(text: string, maxLength = DEFAULT_MAX_LENGTH): string {
  return `"${toPrintable(text, maxLength)}"`;
}
