import type { BigIntStats } from "node:fs";
import { open, stat } from "node:fs/promises";
import { safeParseJson } from "../../../core/json/safe-parse.js";
import { LlmuxError } from "../../../core/model/errors.js";
import { isJsonObject, type JsonObject } from "../../../core/model/json.js";
import { readTokenFields, type TokenFields } from "./token-record.js";

/** Which version of a file was read: a writer that renames changes the inode, one that writes in place the mtime or size. */
export interface FileVersion {
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
}

export interface TokenFileSnapshot {
  /** The file's object, kept whole so a rewrite loses nothing. */
  raw: JsonObject;
  fields: TokenFields;
  version: FileVersion;
}

const READ_ATTEMPTS = 3;

export function versionOf(stats: BigIntStats): FileVersion {
  return { ino: stats.ino, size: stats.size, mtimeNs: stats.mtimeNs };
}

export function sameVersion(a: FileVersion, b: FileVersion): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs;
}

function fileError(path: string, error: unknown): LlmuxError {
  const code = (error as { code?: unknown } | null)?.code;
  const problem =
    code === "ENOENT"
      ? "does not exist"
      : code === "EACCES" || code === "EPERM"
        ? "cannot be read (permission denied)"
        : code === "EISDIR"
          ? "is a directory, not a token file"
          : `cannot be read${typeof code === "string" ? ` (${code})` : ""}`;
  return new LlmuxError("authentication", `token file ${path} ${problem}`, { cause: error });
}

/** The file's current version, without reading it. */
export async function statTokenFile(path: string): Promise<FileVersion> {
  try {
    return versionOf(await stat(path, { bigint: true }));
  } catch (error) {
    throw fileError(path, error);
  }
}

async function readConsistent(path: string): Promise<{ text: string; version: FileVersion }> {
  for (let attempt = 1; ; attempt++) {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(path, "r");
    } catch (error) {
      throw fileError(path, error);
    }
    try {
      const before = versionOf(await handle.stat({ bigint: true }));
      const text = await handle.readFile("utf8");
      const after = versionOf(await handle.stat({ bigint: true }));
      // A writer changed the file while it was read in place: read it again.
      if (sameVersion(before, after) || attempt >= READ_ATTEMPTS) return { text, version: after };
    } catch (error) {
      throw fileError(path, error);
    } finally {
      await handle.close();
    }
  }
}

/**
 * Read and understand a token file. A missing, unreadable or malformed file is an `authentication`
 * error naming the path; the message never quotes the file's content.
 */
export async function readTokenFile(path: string): Promise<TokenFileSnapshot> {
  for (let attempt = 1; ; attempt++) {
    const { text, version } = await readConsistent(path);
    const parsed = safeParseJson(text);
    if (parsed.ok && isJsonObject(parsed.value)) {
      const writtenAtMs = Number(version.mtimeNs / 1_000_000n);
      return { raw: parsed.value, fields: readTokenFields(parsed.value, path, writtenAtMs), version };
    }
    // Caught between another writer's truncate and write: the file has moved on, read it again.
    if (attempt < READ_ATTEMPTS && !sameVersion(await statTokenFile(path), version)) continue;
    const problem = parsed.ok ? "does not hold a JSON object" : "is not valid JSON";
    throw new LlmuxError("authentication", `token file ${path} ${problem}`);
  }
}
