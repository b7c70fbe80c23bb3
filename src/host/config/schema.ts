import * as v from "valibot";
import { closedObject, mapping } from "./closed-object.js";

const positiveInt = v.pipe(v.number(), v.safeInteger(), v.minValue(1));
const nonNegativeInt = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const nonEmpty = v.pipe(v.string(), v.minLength(1));

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

const httpUrl = v.pipe(v.string(), v.check(isHttpUrl, "expected an http:// or https:// URL"));

export const timeoutsSchema = closedObject({
  connectMs: v.optional(positiveInt),
  firstByteMs: v.optional(positiveInt),
  idleMs: v.optional(positiveInt),
  totalMs: v.optional(positiveInt),
});

export const providerKindSchema = v.picklist([
  "openai-chat",
  "openai-responses",
  "anthropic",
  "gemini",
  "demo",
]);

const credentialSchema = v.pipe(
  closedObject({
    id: nonEmpty,
    apiKey: v.optional(nonEmpty),
    /** A JSON file with access_token / refresh_token / expires_at, refreshed by llmux. */
    tokenFile: v.optional(nonEmpty),
    maxConcurrency: v.optional(positiveInt),
    rpm: v.optional(positiveInt),
    group: v.optional(nonEmpty),
    proxy: v.optional(httpUrl),
  }),
  v.forward(
    v.check(
      (credential) => credential.apiKey !== undefined || credential.tokenFile !== undefined,
      "required (or tokenFile)",
    ),
    ["apiKey"],
  ),
  v.forward(
    v.check(
      (credential) => credential.apiKey === undefined || credential.tokenFile === undefined,
      "give apiKey or tokenFile, not both",
    ),
    ["tokenFile"],
  ),
);

export const capabilitySchema = v.picklist(["tools", "vision", "reasoning"]);

const modelEntrySchema = closedObject({
  upstream: v.optional(nonEmpty),
  context: v.optional(positiveInt),
  maxOutput: v.optional(positiveInt),
  capabilities: v.optional(v.array(capabilitySchema)),
});

/** `models: [m1, m2]` or `models: { m1: { upstream: real-name } }`; names may be globs (`claude-*`). */
const modelsSchema = v.union([v.array(nonEmpty), mapping(v.record(nonEmpty, v.nullable(modelEntrySchema)))]);

export const providerSchema = closedObject({
  kind: providerKindSchema,
  baseUrl: v.optional(httpUrl),
  credentials: v.optional(v.array(credentialSchema), []),
  models: v.optional(modelsSchema),
  headers: v.optional(mapping(v.record(v.string(), v.string()))),
  /** Header carrying the credential, e.g. `api-key` (Azure); default per kind. */
  authHeader: v.optional(nonEmpty),
  /** Prefix before the credential in that header, e.g. `Bearer ` (default for OpenAI kinds). */
  authPrefix: v.optional(v.string()),
  proxy: v.optional(httpUrl),
  /** OAuth token endpoint for credentials with a tokenFile. */
  oauth: v.optional(
    closedObject({
      tokenEndpoint: httpUrl,
      clientId: v.optional(nonEmpty),
      clientSecret: v.optional(nonEmpty),
    }),
  ),
  timeouts: v.optional(timeoutsSchema),
});

/** `provider/model`; the model part may be `*` (the client's model name). */
const targetSchema = v.pipe(v.string(), v.regex(/^[^/\s]+\/\S+$/, "expected a provider/model target"));

const tierTargetSchema = v.union([
  targetSchema,
  closedObject({
    target: targetSchema,
    priority: v.optional(v.pipe(v.number(), v.safeInteger())),
    weight: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0))),
  }),
]);

const tierSchema = closedObject({
  mode: v.optional(v.picklist(["priority", "round-robin", "weighted"]), "priority"),
  backup: v.optional(v.boolean(), false),
  targets: v.pipe(v.array(tierTargetSchema), v.minLength(1)),
});

/** A route: a plain list of targets (one priority tier), or tiers. */
const routeSchema = v.union([
  v.pipe(v.array(targetSchema), v.minLength(1)),
  closedObject({ tiers: v.pipe(v.array(tierSchema), v.minLength(1)) }),
]);

const ruleSchema = closedObject({
  name: nonEmpty,
  route: nonEmpty,
  when: closedObject({
    model: v.optional(nonEmpty),
    header: v.optional(mapping(v.record(nonEmpty, v.string()))),
    tenant: v.optional(nonEmpty),
    minTokens: v.optional(nonNegativeInt),
    maxTokens: v.optional(nonNegativeInt),
    images: v.optional(v.boolean()),
    tools: v.optional(v.boolean()),
    reasoning: v.optional(v.boolean()),
  }),
});

const routerSchema = closedObject({
  longContextThreshold: v.optional(positiveInt, 180_000),
  /** Model-name globs of the small side calls coding agents make. */
  backgroundModels: v.optional(v.array(nonEmpty)),
  rules: v.optional(v.array(ruleSchema), []),
  sticky: v.optional(
    closedObject({
      enabled: v.optional(v.boolean(), true),
      idleTtlMs: v.optional(positiveInt, 3_600_000),
    }),
    {},
  ),
});

/**
 * The configuration file. Defaults of nested objects go through their schema (`{}` fills in each
 * field's default), so a missing `server:` and an empty one are the same.
 */
export const configSchema = closedObject({
  server: v.optional(
    closedObject({
      host: v.optional(nonEmpty, "127.0.0.1"),
      port: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(65535)), 8700),
      /** Inbound keys: a key, or `{ key, tenant }` to name who uses it (router rules match on tenant). */
      apiKeys: v.optional(v.array(v.union([nonEmpty, closedObject({ key: nonEmpty, tenant: nonEmpty })]))),
      adminKey: v.optional(nonEmpty),
      bodyLimitBytes: v.optional(positiveInt, 32 * 1024 * 1024),
      headersTimeoutMs: v.optional(positiveInt, 30_000),
      /** Longest gap while a request body arrives (a stalled body gets a 408). */
      bodyTimeoutMs: v.optional(positiveInt, 30_000),
      keepAliveTimeoutMs: v.optional(positiveInt, 65_000),
      requestTimeoutMs: v.optional(nonNegativeInt, 0),
      shutdownGraceMs: v.optional(nonNegativeInt, 10_000),
    }),
    {},
  ),
  providers: v.optional(
    mapping(
      v.record(
        v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]+$/, "use letters, digits, _ . -")),
        providerSchema,
      ),
    ),
    {},
  ),
  routes: v.optional(mapping(v.record(nonEmpty, routeSchema)), {}),
  /** Model name (or glob) -> route name or provider/model. */
  aliases: v.optional(mapping(v.record(nonEmpty, nonEmpty)), {}),
  router: v.optional(routerSchema, {}),
  timeouts: v.optional(timeoutsSchema, {}),
  /** Credential groups; a group's proxy applies to its credentials that set none. */
  groups: v.optional(mapping(v.record(nonEmpty, closedObject({ proxy: v.optional(httpUrl) }))), {}),
  failover: v.optional(
    closedObject({
      maxAttempts: v.optional(positiveInt, 6),
      deadlineMs: v.optional(positiveInt, 120_000),
      backoffBaseMs: v.optional(positiveInt, 250),
      backoffMaxMs: v.optional(positiveInt, 5_000),
      /** How long a request may wait for a free concurrency/rpm permit before a 429. */
      queueTimeoutMs: v.optional(nonNegativeInt, 30_000),
    }),
    {},
  ),
  quota: v.optional(
    closedObject({
      dailyResetUtc: v.optional(
        v.pipe(v.string(), v.regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected HH:MM")),
        "00:00",
      ),
    }),
    {},
  ),
  dataDir: v.optional(nonEmpty),
  logging: v.optional(
    closedObject({
      level: v.optional(v.picklist(["trace", "debug", "info", "warn", "error", "fatal", "silent"]), "info"),
    }),
    {},
  ),
});

export type ConfigInput = v.InferInput<typeof configSchema>;
export type LlmuxConfig = v.InferOutput<typeof configSchema>;
export type ProviderConfig = v.InferOutput<typeof providerSchema>;
export type ProviderKind = v.InferOutput<typeof providerKindSchema>;
export type TimeoutsConfig = v.InferOutput<typeof timeoutsSchema>;
