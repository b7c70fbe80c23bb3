import { realpath } from "node:fs/promises";
import { LlmuxError, toLlmuxError } from "../../core/model/errors.js";
import { writeFileAtomic } from "./oauth/atomic-write.js";
import {
  type FileVersion,
  readTokenFile,
  sameVersion,
  statTokenFile,
  type TokenFileSnapshot,
  versionOf,
} from "./oauth/read-token-file.js";
import { type ClientAuthStyle, requestTokenRefresh, type TokenFetcher } from "./oauth/token-endpoint.js";
import { mergeRefreshedTokens, readTokenFields } from "./oauth/token-record.js";

export type { ClientAuthStyle, TokenFetcher } from "./oauth/token-endpoint.js";

export interface TokenFileCredentialOptions {
  /** The JSON token file (`access_token`, `refresh_token`, `expires_at` or a variant). */
  path: string;
  /** The OAuth2 token endpoint that accepts `grant_type=refresh_token`. */
  tokenEndpoint: string;
  /** The credential id shown in errors; defaults to the path. */
  id?: string;
  clientId?: string;
  clientSecret?: string;
  /** Client credentials in the form body (default) or as HTTP Basic. */
  clientAuth?: ClientAuthStyle;
  /** Refresh when the token expires within this long. Default 5 minutes. */
  refreshAheadMs?: number;
  /** `forceRefresh` reuses a refresh that finished this recently. Default 5 s. */
  reuseWindowMs?: number;
  /** After an ahead-of-expiry refresh fails transiently, keep using the still-valid token this long before trying again. Default 30 s. */
  retryAheadAfterMs?: number;
  /** Limit for one token endpoint exchange. Default 30 s. */
  timeoutMs?: number;
  now?: () => number;
  /** Defaults to the global `fetch`. */
  fetcher?: TokenFetcher;
  /** The refresh succeeded but the file could not be rewritten; the new token is still served from memory. */
  onPersistError?: (error: LlmuxError) => void;
}

type RefreshMode = "ahead" | "forced";

/**
 * A credential whose bearer token lives in a token file and is refreshed with OAuth2. The file is
 * read once and re-read when it changes on disk (another process may refresh it); one refresh runs
 * at a time and every concurrent caller waits for it; a refresh rewrites the file atomically (0600).
 */
export class TokenFileCredential {
  readonly id: string;
  readonly path: string;
  private readonly tokenEndpoint: string;
  private readonly clientId: string | undefined;
  private readonly clientSecret: string | undefined;
  private readonly clientAuth: ClientAuthStyle;
  private readonly refreshAheadMs: number;
  private readonly reuseWindowMs: number;
  private readonly retryAheadAfterMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly fetcher: TokenFetcher;
  private readonly onPersistError: ((error: LlmuxError) => void) | undefined;

  private snapshot: TokenFileSnapshot | undefined;
  private loading: Promise<TokenFileSnapshot> | undefined;
  private refreshing: Promise<TokenFileSnapshot> | undefined;
  private lastRefreshAt: number | undefined;
  private aheadFailedAt: number | undefined;

  constructor(options: TokenFileCredentialOptions) {
    this.path = options.path;
    this.id = options.id ?? options.path;
    this.tokenEndpoint = options.tokenEndpoint;
    this.clientId = options.clientId;
    this.clientSecret = options.clientSecret;
    this.clientAuth = options.clientAuth ?? "body";
    this.refreshAheadMs = options.refreshAheadMs ?? 5 * 60_000;
    this.reuseWindowMs = options.reuseWindowMs ?? 5_000;
    this.retryAheadAfterMs = options.retryAheadAfterMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.now = options.now ?? Date.now;
    this.fetcher = options.fetcher ?? fetch;
    this.onPersistError = options.onPersistError;
  }

  /** A usable access token, refreshed first when it expires within `refreshAheadMs`. */
  async accessToken(): Promise<string> {
    if (this.refreshing !== undefined) return (await this.refreshing).fields.accessToken;
    const snapshot = await this.load();
    if (!this.isDue(snapshot)) return snapshot.fields.accessToken;
    return (await this.refresh("ahead", snapshot.fields.accessToken)).fields.accessToken;
  }

  /**
   * Refresh now, after the upstream rejected the token (a 401). Joins a refresh in flight, and reuses
   * one that finished within `reuseWindowMs` or that already replaced `rejectedToken`.
   */
  async forceRefresh(rejectedToken?: string): Promise<string> {
    if (this.refreshing !== undefined) return (await this.refreshing).fields.accessToken;
    const snapshot = await this.load();
    const current = snapshot.fields.accessToken;
    const recent = this.lastRefreshAt !== undefined && this.now() - this.lastRefreshAt < this.reuseWindowMs;
    if (recent || (rejectedToken !== undefined && rejectedToken !== current)) return current;
    return (await this.refresh("forced", rejectedToken ?? current)).fields.accessToken;
  }

  /** When the current token expires (unix ms), if the file says. */
  async expiresAt(): Promise<number | undefined> {
    return (await this.load()).fields.expiresAt;
  }

  private isDue(snapshot: TokenFileSnapshot): boolean {
    const expiresAt = snapshot.fields.expiresAt;
    if (expiresAt === undefined) return false;
    const now = this.now();
    if (expiresAt - now >= this.refreshAheadMs) return false;
    const backingOff = this.aheadFailedAt !== undefined && now - this.aheadFailedAt < this.retryAheadAfterMs;
    return !(backingOff && expiresAt > now);
  }

  private isUnexpired(snapshot: TokenFileSnapshot): boolean {
    const expiresAt = snapshot.fields.expiresAt;
    return expiresAt === undefined || expiresAt > this.now();
  }

  /** The cached snapshot while the file is unchanged on disk; else the file read again. Single-flight. */
  private load(): Promise<TokenFileSnapshot> {
    if (this.loading === undefined) {
      this.loading = this.loadFromDisk().finally(() => {
        this.loading = undefined;
      });
    }
    return this.loading;
  }

  private async loadFromDisk(): Promise<TokenFileSnapshot> {
    const cached = this.snapshot;
    if (cached !== undefined && sameVersion(await statTokenFile(this.path), cached.version)) return cached;
    const next = await readTokenFile(this.path);
    // A refresh that finished meanwhile wrote a newer file: keep its snapshot.
    if (this.snapshot === cached) this.snapshot = next;
    return next;
  }

  private refresh(mode: RefreshMode, replacing: string): Promise<TokenFileSnapshot> {
    if (this.refreshing === undefined) {
      this.refreshing = this.runRefresh(mode, replacing).finally(() => {
        this.refreshing = undefined;
      });
    }
    return this.refreshing;
  }

  private async runRefresh(mode: RefreshMode, replacing: string): Promise<TokenFileSnapshot> {
    // Another caller or another process may have refreshed since this one looked.
    const latest = await this.load();
    const stillNeeded = mode === "ahead" ? this.isDue(latest) : latest.fields.accessToken === replacing;
    if (!stillNeeded) return latest;

    const refreshToken = latest.fields.refreshToken;
    if (refreshToken === undefined) {
      if (mode === "ahead" && this.isUnexpired(latest)) return latest;
      throw new LlmuxError(
        "authentication",
        `token file ${this.path} has no refresh_token, so credential ${this.id} cannot be refreshed`,
      );
    }
    let refreshed: Awaited<ReturnType<typeof requestTokenRefresh>>;
    try {
      refreshed = await requestTokenRefresh({
        credentialId: this.id,
        tokenEndpoint: this.tokenEndpoint,
        refreshToken,
        ...(this.clientId === undefined ? {} : { clientId: this.clientId }),
        ...(this.clientSecret === undefined ? {} : { clientSecret: this.clientSecret }),
        clientAuth: this.clientAuth,
        fetcher: this.fetcher,
        timeoutMs: this.timeoutMs,
      });
    } catch (error) {
      const failure = toLlmuxError(error);
      // Ahead of expiry the current token still works: serve it and try again later.
      if (mode === "ahead" && failure.retryable && this.isUnexpired(latest)) {
        this.aheadFailedAt = this.now();
        return latest;
      }
      throw failure;
    }

    const now = this.now();
    const raw = mergeRefreshedTokens(latest.raw, refreshed, now);
    const next: TokenFileSnapshot = {
      raw,
      fields: readTokenFields(raw, this.path, now),
      version: await this.persist(raw, latest.version),
    };
    this.snapshot = next;
    this.lastRefreshAt = now;
    this.aheadFailedAt = undefined;
    return next;
  }

  /** Rewrite the file; on failure keep the old version so the in-memory tokens stay in use. */
  private async persist(raw: TokenFileSnapshot["raw"], previous: FileVersion): Promise<FileVersion> {
    try {
      // Write through a symlink to its target rather than replacing the link.
      const target = await realpath(this.path).catch(() => this.path);
      return versionOf(await writeFileAtomic(target, `${JSON.stringify(raw, null, 2)}\n`, 0o600));
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      const detail = typeof code === "string" ? ` (${code})` : "";
      this.onPersistError?.(
        new LlmuxError(
          "internal",
          `token file ${this.path} could not be rewritten after refreshing credential ${this.id}${detail}`,
          { cause: error },
        ),
      );
      return previous;
    }
  }
}
