import type { Protocol } from "../../core/model/protocol.js";
import { isGlob } from "../../core/routing/glob.js";
import type { App } from "../control/app.js";
import type { RequestContext } from "./context.js";
import { sendJson } from "./respond.js";

/** Every name a client may put in `model`: routes, aliases, then concrete provider models (also as `provider/model`). */
export function listModelNames(app: App): string[] {
  const names = new Set<string>(app.config.routing.routes.keys());
  for (const alias of Object.keys(app.config.aliases)) if (!isGlob(alias)) names.add(alias);
  for (const provider of app.config.providers.values()) {
    for (const model of provider.models) {
      if (!isGlob(model.name)) {
        names.add(model.name);
        names.add(`${provider.id}/${model.name}`);
      }
    }
  }
  return [...names];
}

/** GET /v1/models in the shape of the protocol that asked. */
export function handleModels(app: App, context: RequestContext, protocol: Protocol): void {
  const names = listModelNames(app);
  const created = Math.floor(app.core.now() / 1000);
  const createdAt = new Date(app.core.now()).toISOString();
  if (protocol === "anthropic") {
    sendJson(context, 200, {
      data: names.map((id) => ({ type: "model", id, display_name: id, created_at: createdAt })),
      has_more: false,
      first_id: names[0] ?? null,
      last_id: names.at(-1) ?? null,
    });
    return;
  }
  if (protocol === "gemini") {
    sendJson(context, 200, {
      models: names.map((id) => ({
        name: `models/${id}`,
        displayName: id,
        supportedGenerationMethods: ["generateContent", "streamGenerateContent", "countTokens"],
      })),
    });
    return;
  }
  sendJson(context, 200, {
    object: "list",
    data: names.map((id) => ({ id, object: "model", created, owned_by: "llmux" })),
  });
}
