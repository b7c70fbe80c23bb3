import { z } from "zod";

const positiveInt = z.number().int().positive();

export const timeoutsSchema = z
  .object({
    connectMs: positiveInt.optional(),
    firstByteMs: positiveInt.optional(),
    idleMs: positiveInt.optional(),
    totalMs: positiveInt.optional(),
  })
  .strict();

export const providerKindSchema = z.enum(["openai-chat", "openai-responses", "anthropic", "gemini", "demo"]);

const proxyUrl = z.url({ protocol: /^https?$/ });

const credentialSchema = z
  .object({
    id: z.string().min(1),
    apiKey: z.string().min(1).optional(),
    /** A JSON file with access_token / refresh_token / expires_at, refreshed by llmux. */
    tokenFile: z.string().min(1).optional(),
    maxConcurrency: positiveInt.optional(),
    rpm: positiveInt.optional(),
    group: z.string().min(1).optional(),
    proxy: proxyUrl.optional(),
  })
  .strict()
  .superRefine((credential, context) => {
    if (credential.apiKey === undefined && credential.tokenFile === undefined) {
      context.addIssue({ code: "custom", path: ["apiKey"], message: "required (or tokenFile)" });
    }
    if (credential.apiKey !== undefined && credential.tokenFile !== undefined) {
      context.addIssue({
        code: "custom",
        path: ["tokenFile"],
        message: "give apiKey or tokenFile, not both",
      });
    }
  });

export const capabilitySchema = z.enum(["tools", "vision", "reasoning"]);

const modelEntrySchema = z
  .object({
    upstream: z.string().min(1).optional(),
    context: positiveInt.optional(),
    maxOutput: positiveInt.optional(),
    capabilities: z.array(capabilitySchema).optional(),
  })
  .strict();

/** `models: [m1, m2]` or `models: { m1: { upstream: real-name } }`; names may be globs (`claude-*`). */
const modelsSchema = z.union([
  z.array(z.string().min(1)),
  z.record(z.string().min(1), modelEntrySchema.nullable()),
]);

export const providerSchema = z
  .object({
    kind: providerKindSchema,
    baseUrl: z.url({ protocol: /^https?$/ }).optional(),
    credentials: z.array(credentialSchema).default([]),
    models: modelsSchema.optional(),
    headers: z.record(z.string(), z.string()).optional(),
    /** Header carrying the credential, e.g. `api-key` (Azure); default per kind. */
    authHeader: z.string().min(1).optional(),
    /** Prefix before the credential in that header, e.g. `Bearer ` (default for OpenAI kinds). */
    authPrefix: z.string().optional(),
    proxy: proxyUrl.optional(),
    /** OAuth token endpoint for credentials with a tokenFile. */
    oauth: z
      .object({
        tokenEndpoint: z.url({ protocol: /^https?$/ }),
        clientId: z.string().min(1).optional(),
        clientSecret: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    timeouts: timeoutsSchema.optional(),
  })
  .strict();

/** `provider/model`; the model part may be `*` (the client's model name). */
const targetSchema = z.string().regex(/^[^/\s]+\/\S+$/, "expected a provider/model target");

const tierTargetSchema = z.union([
  targetSchema,
  z
    .object({
      target: targetSchema,
      priority: z.number().int().optional(),
      weight: z.number().min(0).optional(),
    })
    .strict(),
]);

const tierSchema = z
  .object({
    mode: z.enum(["priority", "round-robin", "weighted"]).default("priority"),
    backup: z.boolean().default(false),
    targets: z.array(tierTargetSchema).min(1),
  })
  .strict();

/** A route: a plain list of targets (one priority tier), or tiers. */
const routeSchema = z.union([
  z.array(targetSchema).min(1),
  z.object({ tiers: z.array(tierSchema).min(1) }).strict(),
]);

const ruleSchema = z
  .object({
    name: z.string().min(1),
    route: z.string().min(1),
    when: z
      .object({
        model: z.string().min(1).optional(),
        header: z.record(z.string().min(1), z.string()).optional(),
        tenant: z.string().min(1).optional(),
        minTokens: z.number().int().min(0).optional(),
        maxTokens: z.number().int().min(0).optional(),
        images: z.boolean().optional(),
        tools: z.boolean().optional(),
        reasoning: z.boolean().optional(),
      })
      .strict(),
  })
  .strict();

const routerSchema = z
  .object({
    longContextThreshold: positiveInt.default(180_000),
    /** Model-name globs of the small side calls coding agents make. */
    backgroundModels: z.array(z.string().min(1)).optional(),
    rules: z.array(ruleSchema).default([]),
    sticky: z
      .object({ enabled: z.boolean().default(true), idleTtlMs: positiveInt.default(3_600_000) })
      .strict()
      .prefault({}),
  })
  .strict();

export const configSchema = z
  .object({
    server: z
      .object({
        host: z.string().min(1).default("127.0.0.1"),
        port: z.number().int().min(0).max(65535).default(8700),
        /** Inbound keys: a key, or `{ key, tenant }` to name who uses it (router rules match on tenant). */
        apiKeys: z
          .array(
            z.union([
              z.string().min(1, "must not be empty"),
              z.object({ key: z.string().min(1, "must not be empty"), tenant: z.string().min(1) }).strict(),
            ]),
          )
          .optional(),
        adminKey: z.string().min(1).optional(),
        bodyLimitBytes: positiveInt.default(32 * 1024 * 1024),
        headersTimeoutMs: positiveInt.default(30_000),
        /** Longest gap while a request body arrives (a stalled body gets a 408). */
        bodyTimeoutMs: positiveInt.default(30_000),
        keepAliveTimeoutMs: positiveInt.default(65_000),
        requestTimeoutMs: z.number().int().min(0).default(0),
        shutdownGraceMs: z.number().int().min(0).default(10_000),
      })
      .strict()
      .prefault({}),
    providers: z
      .record(z.string().regex(/^[A-Za-z0-9_.-]+$/, "use letters, digits, _ . -"), providerSchema)
      .default({}),
    routes: z.record(z.string().min(1), routeSchema).default({}),
    /** Model name (or glob) -> route name or provider/model. */
    aliases: z.record(z.string().min(1), z.string().min(1)).default({}),
    router: routerSchema.prefault({}),
    timeouts: timeoutsSchema.prefault({}),
    /** Credential groups; a group's proxy applies to its credentials that set none. */
    groups: z.record(z.string().min(1), z.object({ proxy: proxyUrl.optional() }).strict()).default({}),
    failover: z
      .object({
        maxAttempts: positiveInt.default(6),
        deadlineMs: positiveInt.default(120_000),
        backoffBaseMs: positiveInt.default(250),
        backoffMaxMs: positiveInt.default(5_000),
        /** How long a request may wait for a free concurrency/rpm permit before a 429. */
        queueTimeoutMs: z.number().int().min(0).default(30_000),
      })
      .strict()
      .prefault({}),
    quota: z
      .object({
        dailyResetUtc: z
          .string()
          .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected HH:MM")
          .default("00:00"),
      })
      .strict()
      .prefault({}),
    dataDir: z.string().min(1).optional(),
    logging: z
      .object({
        level: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type ConfigInput = z.input<typeof configSchema>;
export type LlmuxConfig = z.output<typeof configSchema>;
export type ProviderConfig = z.output<typeof providerSchema>;
export type ProviderKind = z.output<typeof providerKindSchema>;
export type TimeoutsConfig = z.output<typeof timeoutsSchema>;
