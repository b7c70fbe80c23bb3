import { join } from "node:path";

/** The coding agents llmux can launch, and what each needs so that all its model traffic goes through llmux. */

export type AgentId = "claude" | "codex" | "gemini";

export const AGENT_IDS: readonly AgentId[] = ["claude", "codex", "gemini"];

export interface AgentInfo {
  id: AgentId;
  /** What users call it. */
  title: string;
  /** The executable looked up on PATH. */
  bin: string;
  /** The npm package that installs it. */
  npmPackage: string;
}

export const AGENTS: Record<AgentId, AgentInfo> = {
  claude: { id: "claude", title: "Claude Code", bin: "claude", npmPackage: "@anthropic-ai/claude-code" },
  codex: { id: "codex", title: "Codex CLI", bin: "codex", npmPackage: "@openai/codex" },
  gemini: { id: "gemini", title: "Gemini CLI", bin: "gemini", npmPackage: "@google/gemini-cli" },
};

/**
 * The model Codex is told to use. Codex picks its tools by the model's slug: an unknown slug (or its
 * own newest default) gets a request with no classic `tools`, so llmux always names a model Codex
 * knows and routes it by `x-llmux-model` (or by the user's aliases).
 */
export const CODEX_MODEL = "gpt-5.5";

/** The Codex provider id llmux adds with `-c` overrides; the user's config.toml is not touched. */
export const CODEX_PROVIDER_ID = "llmux";

/** The header that names the route for a request whatever model the client put in its body. */
export const ROUTE_HEADER = "x-llmux-model";

export interface LaunchContext {
  /** The gateway's base URL, e.g. http://127.0.0.1:8700 (no trailing slash). */
  url: string;
  /** The key the agent presents to llmux. */
  apiKey: string;
  /** The route the agent's main model maps to (`--model`); absent = the agent's own model names. */
  model?: string;
  /** The route for the agent's small background model (`--small-model`, Claude Code only). */
  smallModel?: string;
  /** A directory of llmux's own under the user's home, for files the agent reads (settings). */
  agentDir: string;
}

export interface AgentSettings {
  /** Variables to set for the agent. */
  env: Record<string, string>;
  /** Variables to remove, so the user's own keys or endpoints cannot take the traffic elsewhere. */
  unset: string[];
  /** Arguments placed before the user's. */
  args: string[];
  /** Files to write before launching (absolute path -> content). */
  files: Record<string, string>;
}

/** A TOML basic string. */
function tomlString(text: string): string {
  return JSON.stringify(text);
}

function claudeSettings(context: LaunchContext): AgentSettings {
  const env: Record<string, string> = {
    ANTHROPIC_BASE_URL: context.url,
    // A bearer token, not ANTHROPIC_API_KEY: Claude Code asks before using an API key it has not seen.
    ANTHROPIC_AUTH_TOKEN: context.apiKey,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_AUTOUPDATER: "1",
    DISABLE_TELEMETRY: "1",
    DISABLE_ERROR_REPORTING: "1",
  };
  if (context.model !== undefined) env.ANTHROPIC_MODEL = context.model;
  if (context.smallModel !== undefined) env.ANTHROPIC_DEFAULT_HAIKU_MODEL = context.smallModel;
  return {
    env,
    unset: [
      "ANTHROPIC_API_KEY",
      "CLAUDE_CODE_USE_BEDROCK",
      "CLAUDE_CODE_USE_VERTEX",
      "ANTHROPIC_CUSTOM_HEADERS",
    ],
    args: [],
    files: {},
  };
}

/** Codex's `-c key=value` overrides (TOML values) that add llmux as a provider and select it. */
export function codexOverrides(context: LaunchContext): string[] {
  const prefix = `model_providers.${CODEX_PROVIDER_ID}`;
  const overrides = [
    `${prefix}.name=${tomlString("llmux")}`,
    `${prefix}.base_url=${tomlString(`${context.url}/v1`)}`,
    `${prefix}.env_key=${tomlString("LLMUX_API_KEY")}`,
    `${prefix}.wire_api=${tomlString("responses")}`,
  ];
  if (context.model !== undefined)
    overrides.push(`${prefix}.http_headers={ ${tomlString(ROUTE_HEADER)} = ${tomlString(context.model)} }`);
  overrides.push(`model_provider=${tomlString(CODEX_PROVIDER_ID)}`);
  return overrides;
}

function codexSettings(context: LaunchContext, userArgs: readonly string[]): AgentSettings {
  const args = codexOverrides(context).flatMap((override) => ["-c", override]);
  if (!userArgs.some((arg) => arg === "-m" || arg === "--model" || arg.startsWith("--model=")))
    args.push("-m", CODEX_MODEL);
  return { env: { LLMUX_API_KEY: context.apiKey }, unset: [], args, files: {} };
}

/** Gemini CLI's system settings file: API-key auth. It overrides the user's settings for these keys only. */
export function geminiSettingsFile(context: LaunchContext): string {
  return join(context.agentDir, "gemini", "settings.json");
}

function geminiSettings(context: LaunchContext): AgentSettings {
  const settingsPath = geminiSettingsFile(context);
  const settings = { security: { auth: { selectedType: "gemini-api-key" } } };
  const env: Record<string, string> = {
    GOOGLE_GEMINI_BASE_URL: context.url,
    GEMINI_API_KEY: context.apiKey,
    GEMINI_CLI_SYSTEM_SETTINGS_PATH: settingsPath,
  };
  if (context.model !== undefined) env.GEMINI_MODEL = context.model;
  return {
    env,
    unset: ["GOOGLE_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_GENAI_USE_GCA", "GOOGLE_CLOUD_PROJECT"],
    args: [],
    files: { [settingsPath]: `${JSON.stringify(settings, null, 2)}\n` },
  };
}

/** Everything `llmux <agent>` sets; `userArgs` are the agent's own arguments (they come after ours). */
export function agentSettings(
  agent: AgentId,
  context: LaunchContext,
  userArgs: readonly string[] = [],
): AgentSettings {
  switch (agent) {
    case "claude":
      return claudeSettings(context);
    case "codex":
      return codexSettings(context, userArgs);
    case "gemini":
      return geminiSettings(context);
  }
}
