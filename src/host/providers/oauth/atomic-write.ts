import { randomBytes } from "node:crypto";
import type { BigIntStats } from "node:fs";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Replace `path` with `text` so readers see the old file or the new one, never half of either:
 * write a temp file in the same directory with `mode`, fsync it, rename it over the original,
 * then fsync the directory so the rename survives a crash. Returns the new file's stats.
 */
export async function writeFileAtomic(path: string, text: string, mode = 0o600): Promise<BigIntStats> {
  const directory = dirname(path);
  const temp = join(directory, `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  let stats: BigIntStats;
  try {
    const handle = await open(temp, "wx", mode);
    try {
      // The umask may have narrowed the mode at creation; set it exactly.
      await handle.chmod(mode);
      await handle.writeFile(text, "utf8");
      await handle.sync();
      stats = await handle.stat({ bigint: true });
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  await syncDirectory(directory);
  return stats;
}

/** Best effort: some platforms (Windows) cannot open a directory for syncing. */
async function syncDirectory(directory: string): Promise<void> {
  try {
    const handle = await open(directory, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // The rename itself succeeded; durability across a power cut is what is lost.
  }
}
