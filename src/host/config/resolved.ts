import type { Protocol } from "../../core/model/protocol.js";
import type { RouterSettings } from "../../core/routing/classify.js";
import type { ProviderModel, RoutingProvider, RoutingTable } from "../../core/routing/resolve-model.js";
import type { Route } from "../../core/routing/route.js";
import type { LlmuxConfig, ProviderKind } from "./schema.js";

export interface Credential {
  id: string;
  /** `provider/credential`: the key health and leases are kept under. */
  key: string;
  apiKey?: string;
  tokenFile?: string;
  maxConcurrency?: number;
  rpm?: number;
  group?: string;
  /** The proxy in effect: the credential's, else its group's, else the provider's. */
  proxy?: string;
}

export interface OAuthConfig {
  tokenEndpoint: string;
  clientId?: string;
  clientSecret?: string;
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
  authHeader?: string;
  authPrefix?: string;
  oauth?: OAuthConfig;
  timeouts: Timeouts;
}

export interface ResolvedConfig {
  server: LlmuxConfig["server"];
  logging: LlmuxConfig["logging"];
  failover: LlmuxConfig["failover"];
  quota: LlmuxConfig["quota"];
  providers: Map<string, ResolvedProvider>;
  routing: RoutingTable;
  /** Routes with their tiers and modes (routing.routes holds the same targets flattened). */
  routes: Map<string, Route>;
  aliases: Record<string, string>;
  router: LlmuxConfig["router"];
  /** The router's classification settings (rules, thresholds, background-model globs). */
  routerSettings: RouterSettings;
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
  return Object.entries(models).map(([name, entry]) => {
    const model: ProviderModel = { name };
    if (entry === null) return model;
    if (entry.upstream !== undefined) model.upstream = entry.upstream;
    if (entry.context !== undefined) model.context = entry.context;
    if (entry.maxOutput !== undefined) model.maxOutput = entry.maxOutput;
    if (entry.capabilities !== undefined) model.capabilities = entry.capabilities;
    return model;
  });
}

/** Drop the keys whose value is undefined (for exact optional property types). */
export function definedOnly<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== undefined) result[key] = item;
  return result as { [K in keyof T]: Exclude<T[K], undefined> };
}
