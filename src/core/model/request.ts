import type { JsonObject } from "./json.js";
import type { Message, TextPart } from "./parts.js";
import type { Protocol } from "./protocol.js";

export type ToolDefinition =
  | {
      kind: "function";
      name: string;
      description?: string;
      /** JSON Schema of the arguments object. */
      parameters: JsonObject;
      strict?: boolean;
      deferLoading?: boolean;
    }
  | {
      /** Responses free-form tool (input is raw text), optionally constrained by a grammar. */
      kind: "custom";
      name: string;
      description?: string;
      format?: JsonObject;
    }
  | {
      /** A tool run by the provider (web_search, tool_search, code_execution ...). */
      kind: "server";
      name: string;
      /** The wire `type`, e.g. `web_search_20250305` or `web_search`. */
      type: string;
      protocol: Protocol;
      config: JsonObject;
    };

export type ToolChoice =
  | { type: "auto" }
  | { type: "none" }
  | { type: "required" }
  | { type: "tool"; name: string };

export type ReasoningEffort = "none" | "minimal" | "low" | "medium" | "high" | "xhigh" | "max";

export interface ReasoningConfig {
  /** false: reasoning explicitly disabled. */
  enabled: boolean;
  effort?: ReasoningEffort;
  budgetTokens?: number;
  /** Ask the upstream to return thought text / summaries. */
  includeThoughts?: boolean;
  /** Anthropic adaptive thinking. */
  adaptive?: boolean;
}

export type OutputFormat =
  | { type: "text" }
  | { type: "json-object" }
  | { type: "json-schema"; name?: string; description?: string; schema: JsonObject; strict?: boolean };

export interface SamplingParameters {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  stop?: string[];
  seed?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  candidateCount?: number;
}

export interface RequestMetadata {
  user?: string;
  sessionId?: string;
}

/** The canonical request every inbound protocol decodes into and every upstream encodes from. */
export interface CanonicalRequest {
  model: string;
  /** The leading system prompt. System messages later in the conversation stay in `messages`. */
  system: TextPart[];
  messages: Message[];
  tools: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  sampling: SamplingParameters;
  reasoning?: ReasoningConfig;
  output?: OutputFormat;
  stream: boolean;
  /** OpenAI `stream_options.include_usage`: send a usage chunk at the end of the stream. */
  includeUsage?: boolean;
  metadata: RequestMetadata;
  /** Responses API state: chain onto a stored response; store this one. */
  previousResponseId?: string;
  store?: boolean;
  /** Fields with no canonical home, per protocol, so a same-protocol round trip is lossless. */
  extensions: Partial<Record<Protocol, JsonObject>>;
}
