import type { Protocol } from "../../core/model/protocol.js";
import type { ProviderModel, RoutingProvider, RoutingTable } from "../../core/routing/resolve-model.js";
import type { LlmuxConfig, ProviderKind } from "./schema.js";

export interface Credential {
  id: string;
  apiKey: string;
}

export interface Timeouts {
  connectMs: number;
  firstByteMs: number;
  idleMs: number;
  /** 0 = no total limit. */
  totalMs: number;
}

export interface ResolvedProvider extends RoutingProvider {
  kind: ProviderKind;
  baseUrl: string;
  credentials: Credential[];
  headers: Record<string, string>;
  timeouts: Timeouts;
}

export interface ResolvedConfig {
  server: LlmuxConfig["server"];
  logging: LlmuxConfig["logging"];
  providers: Map<string, ResolvedProvider>;
  routing: RoutingTable;
  dataDir: string;
  /** Where the config came from: a file path, or "built-in defaults". */
  source: string;
  /** Providers configured from API keys in the environment. */
  autoProviders: string[];
}

export const DEFAULT_BASE_URLS: Record<ProviderKind, string> = {
  "openai-chat": "https://api.openai.com/v1",
  "openai-responses": "https://api.openai.com/v1",
  anthropic: "https://api.anthropic.com",
  gemini: "https://generativelanguage.googleapis.com",
  demo: "llmux://demo",
};

export const DEFAULT_TIMEOUTS: Timeouts = {
  connectMs: 10_000,
  firstByteMs: 120_000,
  idleMs: 120_000,
  totalMs: 0,
};

export function protocolOfKind(kind: ProviderKind): Protocol | undefined {
  return kind === "demo" ? undefined : kind;
}

export function providerModels(models: LlmuxConfig["providers"][string]["models"]): ProviderModel[] {
  if (models === undefined) return [];
  if (Array.isArray(models)) return models.map((name) => ({ name }));
  return Object.entries(models).map(([name, entry]) =>
    entry?.upstream === undefined ? { name } : { name, upstream: entry.upstream },
  );
}
