import type { Message, TextPart } from "../../core/model/parts.js";

/** A stored Responses-API turn: the whole conversation up to and including its output. */
export interface StoredConversation {
  id: string;
  system: TextPart[];
  messages: Message[];
  storedAt: number;
}

export interface ResponseStoreOptions {
  maxEntries?: number;
  ttlMs?: number;
}

/**
 * The embedded store behind `previous_response_id` for upstreams that keep no state of their
 * own: in memory, bounded in entries (least recently used out first) and in age.
 */
export class ResponseStore {
  private readonly entries = new Map<string, StoredConversation>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;

  constructor(options: ResponseStoreOptions = {}) {
    this.maxEntries = options.maxEntries ?? 2000;
    this.ttlMs = options.ttlMs ?? 6 * 60 * 60 * 1000;
  }

  get size(): number {
    return this.entries.size;
  }

  get(id: string, now: number): StoredConversation | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    if (now - entry.storedAt > this.ttlMs) {
      this.entries.delete(id);
      return undefined;
    }
    this.entries.delete(id);
    this.entries.set(id, entry);
    return entry;
  }

  put(entry: StoredConversation): void {
    this.entries.delete(entry.id);
    this.entries.set(entry.id, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }
}
