import type { Warning } from "../../model/warnings.js";

/** Add a warning unless one with the same code is already there (long histories repeat causes). */
export function warnOnce(warnings: Warning[], code: string, message: string): void {
  if (!warnings.some((warning) => warning.code === code)) warnings.push({ code, message });
}
