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

/** An inbound key and the tenant it belongs to (when named). */
export type InboundKey = string | { key: string; tenant: string };

/** Inbound API keys, compared in constant time. */
export class KeyRing {
  private readonly entries: { digest: Buffer; tenant: string | undefined }[];

  constructor(keys: readonly InboundKey[]) {
    this.entries = keys.map((entry) =>
      typeof entry === "string"
        ? { digest: digest(entry), tenant: undefined }
        : { digest: digest(entry.key), tenant: entry.tenant },
    );
  }

  get enabled(): boolean {
    return this.entries.length > 0;
  }

  /** Whether the key is accepted, and whose it is. Every entry is compared, so timing says nothing. */
  check(key: string | undefined): { accepted: boolean; tenant?: string } {
    if (key === undefined) return { accepted: false };
    const presented = digest(key);
    let match: { tenant: string | undefined } | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, presented) && match === undefined) match = entry;
    }
    if (match === undefined) return { accepted: false };
    return match.tenant === undefined ? { accepted: true } : { accepted: true, tenant: match.tenant };
  }
}
