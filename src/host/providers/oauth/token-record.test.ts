import { describe, expect, it } from "vitest";
import { LlmuxError } from "../../../core/model/errors.js";
import type { JsonObject } from "../../../core/model/json.js";
import { mergeRefreshedTokens, readTokenFields } from "./token-record.js";

const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);
const HOUR = 3_600_000;

function problemOf(raw: JsonObject): string {
  try {
    readTokenFields(raw, "/tokens/acct.json", NOW);
  } catch (error) {
    if (error instanceof LlmuxError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return "no problem";
}

describe("readTokenFields", () => {
  it("reads the standard fields with expires_at in unix ms, unix seconds or ISO", () => {
    const base = { access_token: "at", refresh_token: "rt", token_type: "Bearer", scope: "a b" };
    expect(readTokenFields({ ...base, expires_at: NOW + HOUR }, "f", NOW)).toEqual({
      accessToken: "at",
      refreshToken: "rt",
      expiresAt: NOW + HOUR,
      tokenType: "Bearer",
      scope: "a b",
    });
    expect(readTokenFields({ ...base, expires_at: (NOW + HOUR) / 1000 }, "f", NOW).expiresAt).toBe(
      NOW + HOUR,
    );
    expect(readTokenFields({ ...base, expires_at: "2025-01-01T13:00:00.000Z" }, "f", NOW).expiresAt).toBe(
      NOW + HOUR,
    );
  });

  it("accepts the variants CLI tools write: expiry_date, Go's expiry, expires_in with obtained_at, camelCase", () => {
    expect(readTokenFields({ access_token: "at", expiry_date: NOW + HOUR }, "f", 0).expiresAt).toBe(
      NOW + HOUR,
    );
    expect(readTokenFields({ access_token: "at", expiry: "2025-01-01T13:00:00Z" }, "f", 0).expiresAt).toBe(
      NOW + HOUR,
    );
    expect(
      readTokenFields({ access_token: "at", expires_in: 3600, obtained_at: "2025-01-01T12:00:00Z" }, "f", 0)
        .expiresAt,
    ).toBe(NOW + HOUR);
    expect(
      readTokenFields({ access_token: "at", expires_in: 3600, obtained_at: NOW }, "f", 0).expiresAt,
    ).toBe(NOW + HOUR);
    // Without obtained_at, expires_in counts from when the file was written.
    expect(readTokenFields({ access_token: "at", expires_in: "3600" }, "f", NOW).expiresAt).toBe(NOW + HOUR);
    expect(
      readTokenFields({ accessToken: "at", refreshToken: "rt", expiresAt: "2025-01-01T13:00:00Z" }, "f", 0),
    ).toEqual({ accessToken: "at", refreshToken: "rt", expiresAt: NOW + HOUR });
  });

  it("leaves the expiry unknown when the file does not give one", () => {
    expect(readTokenFields({ access_token: "at" }, "f", NOW)).toEqual({ accessToken: "at" });
  });

  it("rejects unusable files with an authentication error naming the path, never the values", () => {
    expect(problemOf({ refresh_token: "rt-secret" })).toBe(
      "authentication: token file /tokens/acct.json has no access_token",
    );
    expect(problemOf({ access_token: 42 })).toBe(
      "authentication: token file /tokens/acct.json has an invalid access_token: not a string",
    );
    expect(problemOf({ access_token: "at-secret", expires_at: "soon" })).toBe(
      "authentication: token file /tokens/acct.json has an invalid expires_at: neither a unix time nor an ISO date",
    );
    expect(problemOf({ access_token: "at-secret", expires_in: "an hour" })).toContain("expires_in");
  });
});

describe("mergeRefreshedTokens", () => {
  it("keeps unknown fields, updates the tokens, and keeps the refresh token unless it was rotated", () => {
    const raw = {
      access_token: "at-1",
      refresh_token: "rt-1",
      expires_at: NOW,
      email: "a@b.c",
      nested: { x: [1] },
    };
    expect(mergeRefreshedTokens(raw, { accessToken: "at-2", expiresInSeconds: 3600 }, NOW)).toEqual({
      access_token: "at-2",
      refresh_token: "rt-1",
      expires_at: NOW + HOUR,
      email: "a@b.c",
      nested: { x: [1] },
    });
    const rotated = mergeRefreshedTokens(
      raw,
      { accessToken: "at-2", refreshToken: "rt-2", expiresInSeconds: 60 },
      NOW,
    );
    expect(rotated.refresh_token).toBe("rt-2");
    expect(raw.access_token).toBe("at-1");
  });

  it("writes the expiry back in the file's own fields and formats", () => {
    const refreshed = { accessToken: "at-2", expiresInSeconds: 3600 };
    expect(
      mergeRefreshedTokens({ access_token: "a", expires_at: "2024-01-01T00:00:00Z" }, refreshed, NOW),
    ).toEqual({
      access_token: "at-2",
      expires_at: "2025-01-01T13:00:00.000Z",
    });
    expect(
      mergeRefreshedTokens({ access_token: "a", expires_at: 1_700_000_000 }, refreshed, NOW).expires_at,
    ).toBe((NOW + HOUR) / 1000);
    expect(
      mergeRefreshedTokens({ access_token: "a", expiry_date: 1_700_000_000_000 }, refreshed, NOW),
    ).toEqual({
      access_token: "at-2",
      expiry_date: NOW + HOUR,
    });
    expect(
      mergeRefreshedTokens(
        { access_token: "a", expires_in: 10, obtained_at: "2024-01-01T00:00:00Z" },
        refreshed,
        NOW,
      ),
    ).toEqual({ access_token: "at-2", expires_in: 3600, obtained_at: "2025-01-01T12:00:00.000Z" });
    expect(
      mergeRefreshedTokens(
        { accessToken: "a", refreshToken: "r" },
        { ...refreshed, refreshToken: "r2" },
        NOW,
      ),
    ).toEqual({
      accessToken: "at-2",
      refreshToken: "r2",
      expiresAt: NOW + HOUR,
    });
  });

  it("drops a stale expiry when the server does not say when the new token expires", () => {
    const merged = mergeRefreshedTokens(
      { access_token: "a", expires_at: NOW - 1 },
      { accessToken: "at-2" },
      NOW,
    );
    expect(merged).toEqual({ access_token: "at-2" });
    expect(readTokenFields(merged, "f", NOW).expiresAt).toBeUndefined();
  });
});
