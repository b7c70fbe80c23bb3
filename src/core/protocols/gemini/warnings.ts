import type { Warning } from "../../model/warnings.js";

/** Collects the warnings of one conversion; the same code and message is reported once. */
export class WarningSink {
  readonly list: Warning[] = [];
  private readonly seen = new Set<string>();

  add(code: string, message: string): void {
    const key = `${code}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ code, message });
  }
}
