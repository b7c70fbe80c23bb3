import { describe, expect, it } from "vitest";
import { LlmuxError } from "../../../core/model/errors.js";
import { type RefreshRequest, requestTokenRefresh } from "./token-endpoint.js";

/** A refresh against a fetcher that answers `body` with `status`. */
function refreshWith(body: string, status = 200): Promise<unknown> {
  const request: RefreshRequest = {
    credentialId: "k1",
    tokenEndpoint: "https://auth.example.test/token",
    refreshToken: "rt-secret",
    clientId: "client",
    clientAuth: "body",
    fetcher: async () => new Response(body, { status, headers: { "content-type": "application/json" } }),
    timeoutMs: 1_000,
  };
  return requestTokenRefresh(request);
}

async function failureOf(body: string, status = 200): Promise<LlmuxError> {
  const error = await refreshWith(body, status).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof LlmuxError)) throw new Error(`expected an LlmuxError, got ${String(error)}`);
  return error;
}

describe("requestTokenRefresh", () => {
  it("reads every RFC 6749 field, ignores unknown ones, and takes expires_in as a number or a numeric string", async () => {
    const full = JSON.stringify({
      access_token: "at-2",
      token_type: "Bearer",
      expires_in: 3600,
      refresh_token: "rt-2",
      scope: "read",
      id_token: "id-2",
      ext_expires_in: 7200,
    });
    expect(await refreshWith(full)).toEqual({
      accessToken: "at-2",
      tokenType: "Bearer",
      expiresInSeconds: 3600,
      refreshToken: "rt-2",
      scope: "read",
      idToken: "id-2",
    });
    expect(await refreshWith(JSON.stringify({ access_token: "at-3", expires_in: "1799.5" }))).toEqual({
      accessToken: "at-3",
      expiresInSeconds: 1799.5,
    });
  });

  it.each([
    ["no access_token", { token_type: "Bearer", refresh_token: "rt-secret-2" }],
    ["an empty access_token", { access_token: "" }],
    ["a negative expires_in", { access_token: "at-secret", expires_in: -1 }],
    ["a non-numeric expires_in", { access_token: "at-secret", expires_in: "an hour" }],
    ["a null optional field", { access_token: "at-secret", scope: null }],
    ["an array", [{ access_token: "at-secret" }]],
  ])("refuses a success body with %s, without echoing it", async (_name, body) => {
    const error = await failureOf(JSON.stringify(body));
    expect(error.code).toBe("upstream_error");
    expect(error.message).toContain("without a usable access_token");
    expect(error.message).not.toContain("secret");
  });

  it("refuses a body that is not JSON, and an expires_in that overflows to Infinity", async () => {
    expect((await failureOf("access_token=at")).message).toContain("HTTP 200 without a usable access_token");
    expect((await failureOf('{"access_token":"at","expires_in":1e999}')).code).toBe("upstream_error");
  });

  it("names a rejected grant by its OAuth error code", async () => {
    const error = await failureOf(JSON.stringify({ error: "invalid_grant", error_description: "x" }), 400);
    expect(error.code).toBe("authentication");
    expect(error.message).toBe("token refresh for credential k1 failed: invalid_grant");
  });
});
