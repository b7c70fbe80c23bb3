/**
 * An open-loop load generator: requests start at a fixed rate whatever the answers take, so a
 * slow gateway builds a backlog instead of quietly lowering the load. Bounded three ways: a
 * request count, a duration, and a cap on requests outstanding at once (beyond it a due
 * request is shed, and counted as shed).
 */

export interface LoadOptions {
  ratePerSecond: number;
  durationMs: number;
  maxRequests: number;
  maxInFlight: number;
  /** How long to wait for outstanding requests once the duration is over. */
  drainMs: number;
  /**
   * One request; resolves with why it failed as the client sees it, or undefined on success.
   * A rejection counts as a failure too.
   */
  send: (index: number) => Promise<string | undefined>;
}

export interface LoadReport {
  started: number;
  succeeded: number;
  /** Requests the in-flight cap kept from starting. */
  shed: number;
  /** Still running when the drain period ended (a hang). */
  unfinished: number;
  /** The first few failures, with their request index. */
  failures: { index: number; problem: string }[];
  failureCount: number;
  /** Milliseconds from start to answer, per finished request. */
  latenciesMs: number[];
  elapsedMs: number;
  /** Started requests per second over the load period. */
  achievedRate: number;
}

const TICK_MS = 5;
const KEPT_FAILURES = 20;

/** Run `options.send` at a steady rate; see the module comment for the bounds. */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const report: LoadReport = {
    started: 0,
    succeeded: 0,
    shed: 0,
    unfinished: 0,
    failures: [],
    failureCount: 0,
    latenciesMs: [],
    elapsedMs: 0,
    achievedRate: 0,
  };
  const outstanding = new Set<Promise<void>>();
  const fail = (index: number, problem: string) => {
    report.failureCount++;
    if (report.failures.length < KEPT_FAILURES) report.failures.push({ index, problem });
  };
  const start = (index: number) => {
    const began = performance.now();
    const running = options
      .send(index)
      .then(
        (problem) => {
          if (problem === undefined) report.succeeded++;
          else fail(index, problem);
        },
        (error: unknown) =>
          fail(index, error instanceof Error ? `${error.name}: ${error.message}` : String(error)),
      )
      .finally(() => {
        report.latenciesMs.push(performance.now() - began);
        outstanding.delete(running);
      });
    outstanding.add(running);
  };

  const began = performance.now();
  let due = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - began;
      const over = elapsed >= options.durationMs;
      const target = Math.min(
        options.maxRequests,
        Math.floor((Math.min(elapsed, options.durationMs) * options.ratePerSecond) / 1000),
      );
      while (due < target) {
        const index = due++;
        if (outstanding.size >= options.maxInFlight) report.shed++;
        else {
          report.started++;
          start(index);
        }
      }
      if (over || due >= options.maxRequests) {
        clearInterval(timer);
        resolve();
      }
    }, TICK_MS);
  });
  const loadMs = performance.now() - began;
  report.achievedRate = Math.round((report.started * 1000) / loadMs);

  let drainTimer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled([...outstanding]),
    new Promise<void>((resolve) => {
      drainTimer = setTimeout(resolve, options.drainMs);
    }),
  ]);
  clearTimeout(drainTimer);
  report.unfinished = outstanding.size;
  report.elapsedMs = Math.round(performance.now() - began);
  return report;
}

/** The `fraction` quantile (0..1) of `values`, nearest rank; NaN when empty. */
export function quantile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank]!;
}

/** A one-line summary for the run log (printed only when LLMUX_LOAD_REPORT is set). */
export function describeLoad(name: string, report: LoadReport): string {
  const p = (fraction: number) => quantile(report.latenciesMs, fraction).toFixed(1);
  return (
    `${name}: ${report.started} started at ${report.achievedRate}/s, ${report.succeeded} ok, ` +
    `${report.failureCount} failed, ${report.shed} shed, ${report.unfinished} unfinished; ` +
    `latency p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${p(1)} ms; ${report.elapsedMs} ms in all`
  );
}

export function logLoad(line: string): void {
  if (process.env.LLMUX_LOAD_REPORT !== undefined) process.stdout.write(`[load] ${line}\n`);
}
