import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

function digest(key: string): Buffer {
  return createHash("sha256").update(key).digest();
}

/** The key a client presented: `Authorization: Bearer`, `x-api-key`, `x-goog-api-key`, or Gemini's `?key=`. */
export function presentedKey(
  headers: IncomingHttpHeaders,
  query: URLSearchParams | undefined,
): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === "string") {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match !== null) return match[1];
  }
  const apiKey = headers["x-api-key"];
  if (typeof apiKey === "string" && apiKey !== "") return apiKey;
  const googKey = headers["x-goog-api-key"];
  if (typeof googKey === "string" && googKey !== "") return googKey;
  return query?.get("key") ?? undefined;
}

/** Inbound API keys, compared in constant time. */
export class KeyRing {
  private readonly digests: Buffer[];

  constructor(keys: readonly string[]) {
    this.digests = keys.map(digest);
  }

  get enabled(): boolean {
    return this.digests.length > 0;
  }

  accepts(key: string | undefined): boolean {
    if (key === undefined) return false;
    const presented = digest(key);
    let accepted = false;
    for (const candidate of this.digests) accepted = timingSafeEqual(candidate, presented) || accepted;
    return accepted;
  }
}
