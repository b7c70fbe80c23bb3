import type { ResolvedConfig } from "../host/config/resolved.js";
import { shellQuote as quote } from "./shell.js";

/** One ready-to-paste curl per protocol, streaming, against the default route. */
export function exampleCurls(url: string, config: ResolvedConfig): string[] {
  const auth = config.server.apiKeys !== undefined ? ` -H "authorization: Bearer $LLMUX_KEY"` : "";
  const json = " -H 'content-type: application/json'";
  const model = config.routing.routes.has("default")
    ? "default"
    : ([...config.routing.routes.keys()][0] ?? "demo");
  const hello = "Say hello";
  return [
    `# OpenAI Chat Completions\ncurl -sN ${url}/v1/chat/completions${json}${auth} -d ${quote(
      JSON.stringify({ model, stream: true, messages: [{ role: "user", content: hello }] }),
    )}`,
    `# OpenAI Responses\ncurl -sN ${url}/v1/responses${json}${auth} -d ${quote(
      JSON.stringify({ model, stream: true, input: hello }),
    )}`,
    `# Anthropic Messages\ncurl -sN ${url}/v1/messages${json}${auth} -H 'anthropic-version: 2023-06-01' -d ${quote(
      JSON.stringify({ model, max_tokens: 256, stream: true, messages: [{ role: "user", content: hello }] }),
    )}`,
    `# Gemini\ncurl -sN '${url}/v1beta/models/${model}:streamGenerateContent?alt=sse'${json}${auth} -d ${quote(
      JSON.stringify({ contents: [{ role: "user", parts: [{ text: hello }] }] }),
    )}`,
  ];
}

export function startupBanner(url: string, config: ResolvedConfig, version: string): string {
  const lines = [
    `llmux ${version} listening on ${url}`,
    `config: ${config.source}`,
    `data dir: ${config.dataDir}`,
  ];
  if (config.autoProviders.length > 0) {
    const described = config.autoProviders.map((id) => {
      const provider = config.providers.get(id);
      const models = provider?.models.map((model) => model.name).join(", ") ?? "";
      return `${id} (${models})`;
    });
    lines.push(`configured from environment keys: ${described.join("; ")}`);
  }
  if (config.providers.has("demo") && config.source === "built-in defaults") {
    lines.push("default route: the built-in demo model (no keys, no network)");
  }
  lines.push(
    config.server.apiKeys === undefined ? "inbound auth: off (open local gateway)" : "inbound auth: on",
  );
  lines.push("", "Try it:", ...exampleCurls(url, config), "");
  return lines.join("\n");
}

/** `llmux check`: the resolved providers and routes. */
export function describeConfig(config: ResolvedConfig): string {
  const lines = [
    `config: ${config.source}`,
    `data dir: ${config.dataDir}`,
    `server: http://${config.server.host}:${config.server.port} (inbound auth ${config.server.apiKeys === undefined ? "off" : "on"})`,
    "providers:",
  ];
  for (const provider of config.providers.values()) {
    const models =
      provider.models.length === 0
        ? "(any model)"
        : provider.models
            .map((model) =>
              model.upstream === undefined ? model.name : `${model.name} -> ${model.upstream}`,
            )
            .join(", ");
    const credentials = provider.credentials.map((credential) => credential.id).join(", ") || "(none)";
    const base = provider.kind === "demo" ? "built-in" : provider.baseUrl;
    lines.push(
      `  ${provider.id}: ${provider.kind} ${base}`,
      `    credentials: ${credentials}`,
      `    models: ${models}`,
    );
  }
  lines.push("routes:");
  for (const [name, targets] of config.routing.routes) {
    lines.push(`  ${name} -> ${targets.map((target) => `${target.provider}/${target.model}`).join(", ")}`);
  }
  return lines.join("\n");
}
