import { timingSafeEqual } from "node:crypto";
import type { RequestContext } from "../pipeline/context.js";
import { sendJson } from "../pipeline/respond.js";
import type { CredentialRuntime, ProviderRuntime } from "../providers/registry.js";
import { isCoolingDown } from "../state/health.js";
import type { App } from "./app.js";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Open on loopback when no adminKey is set; otherwise the adminKey as a Bearer token. */
function authorized(app: App, context: RequestContext): boolean {
  const adminKey = app.config.server.adminKey;
  if (adminKey === undefined) return LOOPBACK.has(context.request.socket.remoteAddress ?? "");
  const match = /^Bearer\s+(.+)$/i.exec(context.request.headers.authorization ?? "");
  return match !== null && sameSecret(match[1]!.trim(), adminKey);
}

function describeCredential(app: App, provider: ProviderRuntime, credential: CredentialRuntime, now: number) {
  const record = app.health.get(credential.key);
  const cooling = isCoolingDown(record, now);
  return {
    provider: provider.id,
    id: credential.config.id,
    inFlight: provider.pool.inFlight().get(credential.config.id) ?? 0,
    maxConcurrency: credential.config.maxConcurrency ?? null,
    rpm: credential.config.rpm ?? null,
    group: credential.config.group ?? null,
    auth: credential.canRefresh ? "token-file" : "api-key",
    disabled: record?.disabled ?? false,
    cooldown:
      cooling && record !== undefined
        ? { until: new Date(record.cooldownUntil).toISOString(), reason: record.reason }
        : null,
    consecutiveErrors: record?.consecutiveErrors ?? 0,
    lastError: record?.lastError || null,
    lastErrorAt:
      record !== undefined && record.lastErrorAt > 0 ? new Date(record.lastErrorAt).toISOString() : null,
  };
}

/** `provider/credential`, or a credential id that only one provider has. */
function findCredential(
  app: App,
  id: string,
): { provider: ProviderRuntime; credential: CredentialRuntime }[] {
  const slash = id.indexOf("/");
  const found: { provider: ProviderRuntime; credential: CredentialRuntime }[] = [];
  for (const provider of app.providers.all()) {
    if (slash > 0 && provider.id !== id.slice(0, slash)) continue;
    const credentialId = slash > 0 ? id.slice(slash + 1) : id;
    for (const credential of provider.allCredentials()) {
      if (credential.config.id === credentialId) found.push({ provider, credential });
    }
  }
  return found;
}

const ACTIONS = new Set(["disable", "recover", "reset"]);

interface AdminReply {
  status: number;
  body: unknown;
}

function failure(status: number, message: string): AdminReply {
  return { status, body: { error: { message } } };
}

function route(app: App, context: RequestContext): AdminReply {
  if (!authorized(app, context)) {
    return failure(app.config.server.adminKey === undefined ? 403 : 401, "admin API: not authorized");
  }
  const path = context.url.pathname;
  const method = context.request.method ?? "GET";
  const now = Date.now();
  if (path === "/admin/credentials") {
    if (method !== "GET") return failure(405, "use GET");
    const credentials = app.providers
      .all()
      .flatMap((provider) =>
        provider.allCredentials().map((credential) => describeCredential(app, provider, credential, now)),
      );
    return { status: 200, body: { credentials } };
  }
  const match = /^\/admin\/credentials\/(.+)\/([a-z]+)$/.exec(path);
  if (match === null) return failure(404, `no admin endpoint ${method} ${path}`);
  const action = match[2]!;
  if (!ACTIONS.has(action)) return failure(404, `unknown action "${action}": use disable, recover or reset`);
  if (method !== "POST") return failure(405, "use POST");
  const id = decodeURIComponent(match[1]!);
  const found = findCredential(app, id);
  if (found.length === 0) return failure(404, `no credential "${id}"`);
  if (found.length > 1) return failure(409, `credential id "${id}" is ambiguous: use provider/credential`);
  const { provider, credential } = found[0]!;
  if (action === "disable") app.health.update(credential.key, { disabled: true, reason: "manual" });
  else if (action === "recover")
    app.health.update(credential.key, { disabled: false, cooldownUntil: 0, reason: "" });
  else app.health.reset(credential.key);
  app.logger.info({ admin: action, credential: `${provider.id}/${credential.config.id}` }, "admin action");
  return { status: 200, body: { credential: describeCredential(app, provider, credential, now) } };
}

/** The admin API: credentials, their health, and the operator's actions on them. */
export function handleAdmin(app: App, context: RequestContext): void {
  const reply = route(app, context);
  sendJson(context, reply.status, reply.body);
}
