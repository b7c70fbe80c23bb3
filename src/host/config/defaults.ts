import type { ConfigInput } from "./schema.js";

/** Providers configured automatically from well-known API key variables. */
const ENVIRONMENT_PROVIDERS = [
  {
    variable: "OPENAI_API_KEY",
    providers: {
      openai: { kind: "openai-chat", models: ["gpt-*", "o1*", "o3*", "o4*", "chatgpt-*", "codex-*"] },
      "openai-responses": { kind: "openai-responses", models: ["gpt-*", "o1*", "o3*", "o4*", "codex-*"] },
    },
  },
  { variable: "ANTHROPIC_API_KEY", providers: { anthropic: { kind: "anthropic", models: ["claude-*"] } } },
  { variable: "GEMINI_API_KEY", providers: { gemini: { kind: "gemini", models: ["gemini-*", "gemma-*"] } } },
] as const;

/**
 * The configuration used when no file exists: the built-in demo model as the default route,
 * plus a provider for each API key found in the environment (routed by model name).
 */
export function builtInConfig(env: NodeJS.ProcessEnv): { input: ConfigInput; autoProviders: string[] } {
  const providers: NonNullable<ConfigInput["providers"]> = {
    demo: { kind: "demo", models: ["demo"] },
  };
  const autoProviders: string[] = [];
  for (const entry of ENVIRONMENT_PROVIDERS) {
    const key = env[entry.variable];
    if (key === undefined || key === "") continue;
    for (const [id, provider] of Object.entries(entry.providers)) {
      providers[id] = {
        kind: provider.kind,
        models: [...provider.models],
        credentials: [{ id: `${id}-env`, apiKey: key }],
      };
      autoProviders.push(id);
    }
  }
  return { input: { providers, routes: { default: ["demo/demo"] } }, autoProviders };
}
