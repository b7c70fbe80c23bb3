import type { JsonObject } from "./json.js";
import type { Protocol } from "./protocol.js";

/**
 * An opaque reasoning artifact (Anthropic thinking signature, Gemini thoughtSignature,
 * Responses encrypted_content) and the protocol that issued it. It only ever goes back
 * to an upstream of the same protocol; elsewhere it is dropped with a warning.
 */
export interface Signature {
  origin: Protocol;
  value: string;
}

export interface CacheControl {
  type: "ephemeral";
  ttl?: string;
}

export interface TextPart {
  type: "text";
  text: string;
  /** The model declined: this text is its refusal (OpenAI `refusal`). */
  refusal?: boolean;
  cacheControl?: CacheControl;
}

export type MediaSource =
  | { kind: "url"; url: string }
  | { kind: "base64"; mediaType: string; data: string }
  | { kind: "file-id"; fileId: string };

export interface ImagePart {
  type: "image";
  source: MediaSource;
  detail?: "auto" | "low" | "high";
  cacheControl?: CacheControl;
}

export interface FilePart {
  type: "file";
  source: MediaSource;
  filename?: string;
  cacheControl?: CacheControl;
}

/**
 * Reasoning: visible thinking text, an optional signature over it, or redacted data
 * (Anthropic redacted_thinking). `itemId` keeps a Responses reasoning item's id.
 */
export interface ThinkingPart {
  type: "thinking";
  text: string;
  signature?: Signature;
  redactedData?: string;
  itemId?: string;
}

export interface ToolCallPart {
  type: "tool-call";
  id: string;
  name: string;
  /** Arguments as a JSON text; a call without arguments carries "{}". */
  arguments: string;
  /** `custom` is a Responses free-form tool (e.g. apply_patch); its input is raw text in `arguments`. */
  kind?: "function" | "custom";
  /** Gemini's thoughtSignature travels on the function call part itself. */
  signature?: Signature;
  cacheControl?: CacheControl;
}

export type ToolResultContent = TextPart | ImagePart | FilePart;

export interface ToolResultPart {
  type: "tool-result";
  callId: string;
  /** Gemini matches results by function name; decoders fill it when they can. */
  name?: string;
  content: ToolResultContent[];
  isError?: boolean;
  cacheControl?: CacheControl;
}

export type Part = TextPart | ImagePart | FilePart | ThinkingPart | ToolCallPart | ToolResultPart;

/** Output of a model turn. */
export type OutputPart = TextPart | ThinkingPart | ToolCallPart;

/**
 * Roles: `system`/`developer` may appear mid-conversation (Claude Code sends them);
 * `tool` messages hold only tool-result parts, one message per result or several.
 */
export type Role = "system" | "developer" | "user" | "assistant" | "tool";

export interface Message {
  role: Role;
  content: Part[];
  /** Protocol-specific fields of this message with no canonical home. */
  extensions?: JsonObject;
}
