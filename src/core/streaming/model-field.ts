const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function skipWhitespace(buffer: Buffer, position: number): number {
  while (position < buffer.length) {
    const byte = buffer[position];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) break;
    position++;
  }
  return position;
}

/** Where a JSON string value starts and ends (exclusive of quotes), for `"key": "value"` at `keyAt`. */
function stringValueAfterKey(buffer: Buffer, keyAt: number, keyLength: number): [number, number] | undefined {
  let position = skipWhitespace(buffer, keyAt + keyLength);
  if (buffer[position] !== 0x3a) return undefined;
  position = skipWhitespace(buffer, position + 1);
  if (buffer[position] !== QUOTE) return undefined;
  const start = position + 1;
  for (let index = start; index < buffer.length; index++) {
    const byte = buffer[index];
    if (byte === BACKSLASH) index++;
    else if (byte === QUOTE) return [start, index];
  }
  return undefined;
}

/**
 * Rewrite the value of the first (or last) `"key": "..."` in raw JSON bytes to `value`,
 * leaving every other byte untouched. Returns the input itself when nothing changes.
 * JSON strings escape their quotes, so the key pattern cannot match inside a string value.
 */
export function rewriteStringField(buffer: Buffer, key: Buffer, value: Buffer, fromEnd = false): Buffer {
  const keyAt = fromEnd ? buffer.lastIndexOf(key) : buffer.indexOf(key);
  if (keyAt === -1) return buffer;
  const span = stringValueAfterKey(buffer, keyAt, key.length);
  if (span === undefined) return buffer;
  const [start, end] = span;
  if (end - start === value.length && buffer.compare(value, 0, value.length, start, end) === 0) return buffer;
  return Buffer.concat([buffer.subarray(0, start), value, buffer.subarray(end)]);
}

/** The bytes of `text` as it appears inside a JSON string (escaped, without quotes). */
export function jsonStringBytes(text: string): Buffer {
  return Buffer.from(JSON.stringify(text).slice(1, -1));
}

/** Whether `"key"` occurs with a value other than `null`. */
export function hasNonNullField(buffer: Buffer, key: Buffer): boolean {
  let from = 0;
  for (;;) {
    const keyAt = buffer.indexOf(key, from);
    if (keyAt === -1) return false;
    let position = skipWhitespace(buffer, keyAt + key.length);
    if (buffer[position] === 0x3a) {
      position = skipWhitespace(buffer, position + 1);
      if (buffer[position] !== 0x6e) return true;
    }
    from = keyAt + key.length;
  }
}
