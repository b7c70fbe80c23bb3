import type { JsonObject, JsonValue } from "../../model/json.js";
import type {
  CacheControl,
  FilePart,
  ImagePart,
  MediaSource,
  Message,
  Part,
  Role,
  TextPart,
  ToolCallPart,
  ToolResultContent,
  ToolResultPart,
} from "../../model/parts.js";
import { assertNever } from "../../model/protocol.js";
import { uncarrySignature } from "../../model/reasoning-carry.js";
import { parseAt } from "../shared/validate.js";
import {
  type AnthropicCacheControlWire,
  type AnthropicMessageWire,
  type AnyBlockWire,
  documentBlockSchema,
  imageBlockSchema,
  redactedThinkingBlockSchema,
  textBlockSchema,
  thinkingBlockSchema,
  toolResultBlockSchema,
  toolUseBlockSchema,
} from "./schema.js";
import type { WarningSink } from "./warnings.js";

/**
 * Anthropic blocks with no canonical home (server tool blocks, MCP blocks, tool references,
 * document sources of type `content` ...) ride in `message.extensions.anthropic`, so an
 * Anthropic upstream gets them back in place. Other encoders never read them.
 */
export interface AnthropicMessageExtension {
  /** Raw blocks and the number of canonical parts of the message that precede each. */
  blocks?: { at: number; block: JsonObject }[];
  /** Raw `tool_result.content` by `tool_use_id`, when it held blocks with no canonical home. */
  toolResultContent?: Record<string, JsonObject[]>;
}

export function cacheControlFromWire(
  wire: AnthropicCacheControlWire | null | undefined,
): CacheControl | undefined {
  if (wire === null || wire === undefined) return undefined;
  const cacheControl: CacheControl = { type: "ephemeral" };
  if (typeof wire.ttl === "string") cacheControl.ttl = wire.ttl;
  return cacheControl;
}

function withCacheControl<T extends { cacheControl?: CacheControl }>(
  part: T,
  wire: AnthropicCacheControlWire | null | undefined,
): T {
  const cacheControl = cacheControlFromWire(wire);
  if (cacheControl !== undefined) part.cacheControl = cacheControl;
  return part;
}

function decodeText(raw: AnyBlockWire, path: string): TextPart {
  const block = parseAt(textBlockSchema, raw, path);
  return withCacheControl<TextPart>({ type: "text", text: block.text }, block.cache_control);
}

function decodeImage(raw: AnyBlockWire, path: string): ImagePart {
  const block = parseAt(imageBlockSchema, raw, path);
  const source = block.source;
  let media: MediaSource;
  if (source.type === "base64") media = { kind: "base64", mediaType: source.media_type, data: source.data };
  else if (source.type === "url") media = { kind: "url", url: source.url };
  else media = { kind: "file-id", fileId: source.file_id };
  return withCacheControl<ImagePart>({ type: "image", source: media }, block.cache_control);
}

/** A document, or `undefined` when its source has no canonical form (kept raw instead). */
function decodeDocument(raw: AnyBlockWire, path: string, warnings: WarningSink): FilePart | undefined {
  const block = parseAt(documentBlockSchema, raw, path);
  const source = block.source;
  let media: MediaSource;
  switch (source.type) {
    case "base64":
      media = { kind: "base64", mediaType: source.media_type, data: source.data };
      break;
    case "url":
      media = { kind: "url", url: source.url };
      break;
    case "file":
      media = { kind: "file-id", fileId: source.file_id };
      break;
    case "text":
      media = {
        kind: "base64",
        mediaType: source.media_type ?? "text/plain",
        data: Buffer.from(source.data, "utf8").toString("base64"),
      };
      break;
    case "content":
      return undefined;
    default:
      return assertNever(source, "document source");
  }
  if (raw.citations !== undefined || raw.context !== undefined) {
    warnings.add("document_fields_dropped", `${path}: document citations/context settings are not carried`);
  }
  const part = withCacheControl<FilePart>({ type: "file", source: media }, block.cache_control);
  if (typeof block.title === "string") part.filename = block.title;
  return part;
}

interface ResultDecoding {
  part: ToolResultPart;
  /** The raw content, when some of its blocks have no canonical home. */
  raw?: JsonObject[];
}

function decodeToolResult(raw: AnyBlockWire, path: string, names: Map<string, string>): ResultDecoding {
  const block = parseAt(toolResultBlockSchema, raw, path);
  const content: ToolResultContent[] = [];
  let keepRaw = false;
  if (typeof block.content === "string") {
    content.push({ type: "text", text: block.content });
  } else if (Array.isArray(block.content)) {
    block.content.forEach((inner, index) => {
      const innerPath = `${path}.content[${index}]`;
      if (inner.type === "text") content.push(decodeText(inner, innerPath));
      else if (inner.type === "image") content.push(decodeImage(inner, innerPath));
      else keepRaw = true;
    });
  }
  const part = withCacheControl<ToolResultPart>(
    { type: "tool-result", callId: block.tool_use_id, content },
    block.cache_control,
  );
  const name = names.get(block.tool_use_id);
  if (name !== undefined) part.name = name;
  if (block.is_error === true) part.isError = true;
  const decoding: ResultDecoding = { part };
  if (keepRaw && Array.isArray(block.content)) decoding.raw = block.content as JsonObject[];
  return decoding;
}

/** Builds canonical messages from one wire message; tool results split off into `tool` messages. */
class MessageBuilder {
  readonly messages: Message[] = [];
  private current: Message | undefined;
  private extension: AnthropicMessageExtension | undefined;

  constructor(private readonly role: Role) {}

  push(role: Role, part: Part): void {
    this.open(role).content.push(part);
  }

  keepRaw(block: JsonObject): void {
    const message = this.open(this.current?.role ?? this.role);
    const extension = this.extensionOf(message);
    extension.blocks ??= [];
    extension.blocks.push({ at: message.content.length, block });
  }

  keepResultContent(callId: string, content: JsonObject[]): void {
    const message = this.open("tool");
    const extension = this.extensionOf(message);
    extension.toolResultContent ??= {};
    extension.toolResultContent[callId] = content;
  }

  private open(role: Role): Message {
    if (this.current === undefined || this.current.role !== role) {
      this.current = { role, content: [] };
      this.extension = undefined;
      this.messages.push(this.current);
    }
    return this.current;
  }

  private extensionOf(message: Message): AnthropicMessageExtension {
    if (this.extension === undefined) {
      this.extension = {};
      message.extensions = { anthropic: this.extension as JsonValue };
    }
    return this.extension;
  }
}

/** One wire message as canonical messages (usually one; tool results become `tool` messages). */
export function decodeMessage(
  wire: AnthropicMessageWire,
  path: string,
  names: Map<string, string>,
  warnings: WarningSink,
): Message[] {
  const role: Role = wire.role;
  const builder = new MessageBuilder(role);
  if (typeof wire.content === "string") {
    builder.push(role, { type: "text", text: wire.content });
    return builder.messages;
  }
  wire.content.forEach((raw, index) => {
    const blockPath = `${path}.content[${index}]`;
    switch (raw.type) {
      case "text":
        builder.push(role, decodeText(raw, blockPath));
        break;
      case "image":
        builder.push(role, decodeImage(raw, blockPath));
        break;
      case "document": {
        const part = decodeDocument(raw, blockPath, warnings);
        if (part === undefined) builder.keepRaw(raw as JsonObject);
        else builder.push(role, part);
        break;
      }
      case "tool_use": {
        const block = parseAt(toolUseBlockSchema, raw, blockPath);
        names.set(block.id, block.name);
        const part = withCacheControl<ToolCallPart>(
          { type: "tool-call", id: block.id, name: block.name, arguments: JSON.stringify(block.input) },
          block.cache_control,
        );
        builder.push(role, part);
        break;
      }
      case "tool_result": {
        const decoding = decodeToolResult(raw, blockPath, names);
        builder.push("tool", decoding.part);
        if (decoding.raw !== undefined) builder.keepResultContent(decoding.part.callId, decoding.raw);
        break;
      }
      case "thinking": {
        const block = parseAt(thinkingBlockSchema, raw, blockPath);
        const part: Part = { type: "thinking", text: block.thinking };
        if (typeof block.signature === "string" && block.signature !== "") {
          part.signature = uncarrySignature(block.signature, "anthropic");
        }
        builder.push(role, part);
        break;
      }
      case "redacted_thinking": {
        const block = parseAt(redactedThinkingBlockSchema, raw, blockPath);
        builder.push(role, { type: "thinking", text: "", redactedData: block.data });
        break;
      }
      default:
        builder.keepRaw(raw as JsonObject);
    }
  });
  if (builder.messages.length === 0) builder.messages.push({ role, content: [] });
  return builder.messages;
}

/** The Anthropic extension of a canonical message, if it carries one. */
export function messageExtension(message: Message): AnthropicMessageExtension | undefined {
  const value = message.extensions?.anthropic;
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as AnthropicMessageExtension)
    : undefined;
}
