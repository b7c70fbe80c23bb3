import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LlmuxError } from "../../core/model/errors.js";
import { TokenFileCredential, type TokenFileCredentialOptions } from "./token-file.js";

const START = Date.UTC(2025, 0, 1, 12, 0, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface TokenRequest {
  form: URLSearchParams;
  headers: IncomingHttpHeaders;
}

interface Reply {
  status: number;
  body: unknown;
}

type Responder = (request: TokenRequest, index: number) => Reply | Promise<Reply>;

interface TokenEndpoint {
  url: string;
  requests: TokenRequest[];
}

/** A real OAuth token endpoint on 127.0.0.1; by default it issues at-2, at-3 ... valid for an hour. */
const issueNext: Responder = (_request, index) => ({
  status: 200,
  body: { access_token: `at-${index + 2}`, expires_in: 3600, token_type: "Bearer" },
});

let servers: Server[] = [];
let dir = "";
let clock = START;
const now = (): number => clock;

async function startTokenEndpoint(respond: Responder = issueNext): Promise<TokenEndpoint> {
  const requests: TokenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = {
        form: new URLSearchParams(Buffer.concat(chunks).toString("utf8")),
        headers: req.headers,
      };
      const index = requests.push(request) - 1;
      void Promise.resolve(respond(request, index)).then((reply) => {
        res.writeHead(reply.status, { "content-type": "application/json" });
        res.end(JSON.stringify(reply.body));
      });
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/token`, requests };
}

/** A port on 127.0.0.1 nothing listens on. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/oauth/token`;
}

function writeTokenFile(content: object, name = "acct.json"): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content), { mode: 0o644 });
  chmodSync(path, 0o644);
  return path;
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
}

function credential(
  path: string,
  endpoint: string,
  extra: Partial<TokenFileCredentialOptions> = {},
): TokenFileCredential {
  return new TokenFileCredential({
    path,
    tokenEndpoint: endpoint,
    id: "acct-1",
    clientId: "client-1",
    clientSecret: "secret-1",
    now,
    ...extra,
  });
}

async function rejectionOf(promise: Promise<unknown>): Promise<LlmuxError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LlmuxError) return error;
    throw error;
  }
  throw new Error("expected the promise to reject");
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "llmux-token-file-"));
  clock = START;
});

afterEach(async () => {
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  servers = [];
  rmSync(dir, { recursive: true, force: true });
});

describe("TokenFileCredential.accessToken", () => {
  it("serves the file's token without refreshing while it is fresh, and refreshes ahead of expiry", async () => {
    const endpoint = await startTokenEndpoint();
    const path = writeTokenFile({ access_token: "at-1", refresh_token: "rt-1", expires_at: START + HOUR });
    const tokens = credential(path, endpoint.url);

    expect(await tokens.accessToken()).toBe("at-1");
    clock = START + 54 * MINUTE; // six minutes left: still outside the five-minute window
    expect(await tokens.accessToken()).toBe("at-1");
    expect(endpoint.requests).toHaveLength(0);

    clock = START + 56 * MINUTE; // four minutes left
    expect(await tokens.accessToken()).toBe("at-2");
    expect(endpoint.requests).toHaveLength(1);
    const request = endpoint.requests[0]!;
    expect(request.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(request.form)).toEqual({
      grant_type: "refresh_token",
      refresh_token: "rt-1",
      client_id: "client-1",
      client_secret: "secret-1",
    });
    expect(await tokens.accessToken()).toBe("at-2");
    expect(await tokens.expiresAt()).toBe(clock + HOUR);
    expect(endpoint.requests).toHaveLength(1);
  });

  it("rewrites the file atomically after a refresh, keeping unknown fields, with mode 0600", async () => {
    const endpoint = await startTokenEndpoint();
    const path = writeTokenFile({
      access_token: "at-1",
      refresh_token: "rt-1",
      expires_at: START - 1,
      email: "dev@example.com",
      project: { id: "p-1", tier: ["free"] },
    });
    expect(statSync(path).mode & 0o777).toBe(0o644);

    expect(await credential(path, endpoint.url).accessToken()).toBe("at-2");
    expect(readJson(path)).toEqual({
      access_token: "at-2",
      refresh_token: "rt-1",
      expires_at: START + HOUR,
      token_type: "Bearer",
      email: "dev@example.com",
      project: { id: "p-1", tier: ["free"] },
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["acct.json"]); // no temp file left behind
  });

  it("persists a rotated refresh token and uses it next time, also after a restart", async () => {
    const endpoint = await startTokenEndpoint((_request, index) => ({
      status: 200,
      body: { access_token: `at-${index + 2}`, refresh_token: `rt-${index + 2}`, expires_in: 3600 },
    }));
    const path = writeTokenFile({ access_token: "at-1", refresh_token: "rt-1", expires_at: START });
    const tokens = credential(path, endpoint.url);

    expect(await tokens.accessToken()).toBe("at-2");
    expect(readJson(path).refresh_token).toBe("rt-2");
    clock = START + HOUR;
    expect(await tokens.accessToken()).toBe("at-3");
    clock = START + 2 * HOUR;
    expect(await credential(path, endpoint.url).accessToken()).toBe("at-4");
    expect(endpoint.requests.map((request) => request.form.get("refresh_token"))).toEqual([
      "rt-1",
      "rt-2",
      "rt-3",
    ]);
  });

  it("makes 20 concurrent callers wait for exactly one refresh", async () => {
    let release = (): void => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let received = (): void => {};
    const firstRequest = new Promise<void>((resolve) => {
      received = resolve;
    });
    const endpoint = await startTokenEndpoint(async (request, index) => {
      received();
      await released;
      return issueNext(request, index);
    });
    const path = writeTokenFile({ access_token: "at-1", refresh_token: "rt-1", expires_at: START + MINUTE });
    const tokens = credential(path, endpoint.url);

    const calls = Array.from({ length: 20 }, () => tokens.accessToken());
    await firstRequest;
    release();
    expect(await Promise.all(calls)).toEqual(Array.from({ length: 20 }, () => "at-2"));
    expect(endpoint.requests).toHaveLength(1);
  });

  it("picks up a token file that another process changed on disk", async () => {
    const endpoint = await startTokenEndpoint();
    const path = writeTokenFile({ access_token: "at-1", refresh_token: "rt-1", expires_at: START + HOUR });
    const tokens = credential(path, endpoint.url);
    expect(await tokens.accessToken()).toBe("at-1");

    writeFileSync(
      path,
      JSON.stringify({ access_token: "at-other", refresh_token: "rt-other", expires_at: START + HOUR }),
    );
    expect(await tokens.accessToken()).toBe("at-other");
    expect(endpoint.requests).toHaveLength(0);

    // Its refresh token is the one used for the next refresh.
    clock = START + HOUR;
    expect(await tokens.accessToken()).toBe("at-2");
    expect(endpoint.requests[0]?.form.get("refresh_token")).toBe("rt-other");
  });

  it("uses a token another process refreshed instead of refreshing again", async () => {
    const endpoint = await startTokenEndpoint();
    const path = writeTokenFile({ access_token: "at-1", refresh_token: "rt-1", expires_at: START + HOUR });
    const tokens = credential(path, endpoint.url);
    expect(await tokens.accessToken()).toBe("at-1");

    clock = START + 58 * MINUTE;
    writeFileSync(
      path,
      JSON.stringify({ access_token: "at-cli", refresh_token: "rt-cli", expires_at: clock + HOUR }),
    );
    expect(await tokens.accessToken()).toBe("at-cli");
    expect(endpoint.requests).toHaveLength(0);
  });

  it("writes through a symlinked token file to its target", async () => {
    const endpoint = await startTokenEndpoint();
    mkdirSync(join(dir, "real"));
    const target = join(dir, "real", "acct.json");
    writeFileSync(target, JSON.stringify({ access_token: "at-1", refresh_token: "rt-1", expires_at: START }));
    const link = join(dir, "link.json");
    symlinkSync(target, link);

    expect(await credential(link, endpoint.url).accessToken()).toBe("at-2");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readJson(target).access_token).toBe("at-2");
  });

  it("sends client credentials as HTTP Basic when configured so", async () => {
    const endpoint = await startTokenEndpoint();
    const path = writeTokenFile({ access_token: "at-1", refresh_token: "rt-1", expires_at: START });
    await credential(path, endpoint.url, { clientAuth: "basic" }).accessToken();
    const request = endpoint.requests[0]!;
    expect(request.headers.authorization).toBe(
      `Basic ${Buffer.from("client-1:secret-1").toString("base64")}`,
    );
    expect(Object.fromEntries(request.form)).toEqual({ grant_type: "refresh_token", refresh_token: "rt-1" });
  });
});

describe("TokenFileCredential.forceRefresh", () => {
  it("refreshes a fresh token after a 401, once, and reuses a refresh that just finished", async () => {
    const endpoint = await startTokenEndpoint();
    const path = writeTokenFile({ access_token: "at-1", refresh_token: "rt-1", expires_at: START + HOUR });
    const tokens = credential(path, endpoint.url);

    expect(await tokens.forceRefresh("at-1")).toBe("at-2");
    expect(await tokens.forceRefresh("at-1")).toBe("at-2"); // a second 401 on the old token
    expect(await tokens.forceRefresh()).toBe("at-2"); // within the reuse window
    expect(endpoint.requests).toHaveLength(1);
    expect(readJson(path).access_token).toBe("at-2");

    clock = START + 10_000;
    expect(await tokens.forceRefresh("at-2")).toBe("at-3");
    expect(endpoint.requests).toHaveLength(2);
  });

  it("makes concurrent 401s share one refresh", async () => {
    const endpoint = await startTokenEndpoint();
    const path = writeTokenFile({ access_token: "at-1", refresh_token: "rt-1", expires_at: START + HOUR });
    const tokens = credential(path, endpoint.url);
    await tokens.accessToken();

    const results = await Promise.all(Array.from({ length: 5 }, () => tokens.forceRefresh("at-1")));
    expect(results).toEqual(["at-2", "at-2", "at-2", "at-2", "at-2"]);
    expect(endpoint.requests).toHaveLength(1);
  });
});

describe("TokenFileCredential errors", () => {
  it("reports invalid_grant as an authentication error naming the credential, never a token", async () => {
    const endpoint = await startTokenEndpoint(() => ({
      status: 400,
      body: { error: "invalid_grant", error_description: "Token rt-1 has been expired or revoked." },
    }));
    const content = { access_token: "at-1", refresh_token: "rt-1", expires_at: START - 1 };
    const path = writeTokenFile(content);

    const error = await rejectionOf(credential(path, endpoint.url).accessToken());
    expect(error.code).toBe("authentication");
    expect(error.status).toBe(401);
    expect(error.retryable).toBe(false);
    expect(error.message).toBe("token refresh for credential acct-1 failed: invalid_grant");
    expect(readJson(path)).toEqual(content);

    const forced = await rejectionOf(credential(path, endpoint.url).forceRefresh("at-1"));
    expect(forced.code).toBe("authentication");
  });

  it("reports a 401 from the token endpoint as an authentication error", async () => {
    const endpoint = await startTokenEndpoint(() => ({ status: 401, body: { error: "invalid_client" } }));
    const path = writeTokenFile({ access_token: "at-1", refresh_token: "rt-1", expires_at: START - 1 });
    const error = await rejectionOf(credential(path, endpoint.url).accessToken());
    expect(error.code).toBe("authentication");
    expect(error.message).toBe("token refresh for credential acct-1 failed: invalid_client");
  });

  it("reports network failures and 5xx as retryable upstream errors", async () => {
    const path = writeTokenFile({ access_token: "at-1", refresh_token: "rt-1", expires_at: START - 1 });
    const unreachable = await rejectionOf(credential(path, await closedPortUrl()).accessToken());
    expect(unreachable.code).toBe("upstream_error");
    expect(unreachable.retryable).toBe(true);
    expect(unreachable.message).toMatch(
      /^token refresh for credential acct-1 failed: cannot reach 127\.0\.0\.1:\d+/,
    );

    const endpoint = await startTokenEndpoint(() => ({ status: 503, body: { access_token: "leaked?" } }));
    const unavailable = await rejectionOf(credential(path, endpoint.url).accessToken());
    expect(unavailable.code).toBe("upstream_error");
    expect(unavailable.message).toBe("token refresh for credential acct-1 failed: HTTP 503");
  });

  it("keeps serving a still-valid token when a refresh ahead of expiry cannot reach the endpoint", async () => {
    const path = writeTokenFile({
      access_token: "at-1",
      refresh_token: "rt-1",
      expires_at: START + 2 * MINUTE,
    });
    const tokens = credential(path, await closedPortUrl());
    expect(await tokens.accessToken()).toBe("at-1");
    clock = START + 2 * MINUTE;
    const error = await rejectionOf(tokens.accessToken());
    expect(error.code).toBe("upstream_error");
  });

  it("says which file is missing, unreadable or malformed, without quoting it", async () => {
    const endpoint = await startTokenEndpoint();
    const missing = join(dir, "missing.json");
    const error = await rejectionOf(credential(missing, endpoint.url).accessToken());
    expect(error.code).toBe("authentication");
    expect(error.message).toBe(`token file ${missing} does not exist`);

    const broken = join(dir, "broken.json");
    writeFileSync(broken, '{"access_token": "at-secret", ');
    const invalid = await rejectionOf(credential(broken, endpoint.url).accessToken());
    expect(invalid.message).toBe(`token file ${broken} is not valid JSON`);

    const noToken = writeTokenFile({ refresh_token: "rt-secret" }, "no-token.json");
    const incomplete = await rejectionOf(credential(noToken, endpoint.url).accessToken());
    expect(incomplete.message).toBe(`token file ${noToken} has no access_token`);

    const unrefreshable = writeTokenFile({ access_token: "at-1", expires_at: START - 1 }, "no-refresh.json");
    const expired = await rejectionOf(credential(unrefreshable, endpoint.url).accessToken());
    expect(expired.message).toBe(
      `token file ${unrefreshable} has no refresh_token, so credential acct-1 cannot be refreshed`,
    );

    const directory = await rejectionOf(credential(dir, endpoint.url).accessToken());
    expect(directory.message).toBe(`token file ${dir} is a directory, not a token file`);
    expect(endpoint.requests).toHaveLength(0);
  });

  it.skipIf(process.getuid?.() === 0)("says when the token file cannot be read", async () => {
    const path = writeTokenFile({ access_token: "at-1" });
    chmodSync(path, 0o000);
    const error = await rejectionOf(credential(path, "http://127.0.0.1:1/token").accessToken());
    expect(error.message).toBe(`token file ${path} cannot be read (permission denied)`);
  });
});
