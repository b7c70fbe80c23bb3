// Child processes for the benchmark (mock, floor, gateway), CPU pinning, and /proc readings.
import { execFileSync, spawn } from "node:child_process";
import { openSync, readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { createInterface } from "node:readline";

/** @typedef {{ load: string, server: string, note: string } | undefined} Pinning */

/**
 * Which cores to use: the load generator and mock on core 0, the process under test on core 1,
 * when `taskset` exists and there are at least 2 cores.
 * @returns {Pinning}
 */
export function choosePinning() {
  if (availableParallelism() < 2) return undefined;
  try {
    execFileSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" });
  } catch {
    return undefined;
  }
  return { load: "0", server: "1", note: "mock + load generator on core 0; gateway / floor on core 1" };
}

/**
 * Pin this process (all its threads) to `core`.
 * @param {string} core
 */
export function pinSelf(core) {
  execFileSync("taskset", ["-a", "-p", "-c", core, String(process.pid)], { stdio: "ignore" });
}

/**
 * @typedef {object} Child
 * @property {import("node:child_process").ChildProcess} process
 * @property {number} pid
 * @property {string} url
 * @property {(signal?: NodeJS.Signals, timeoutMs?: number) => Promise<void>} stop
 */

/**
 * @param {readonly string[]} nodeArgs node's arguments (flags, script, script args)
 * @param {string | undefined} core
 */
function command(nodeArgs, core) {
  return core === undefined
    ? { file: process.execPath, args: [...nodeArgs] }
    : { file: "taskset", args: ["-c", core, process.execPath, ...nodeArgs] };
}

/**
 * Start a node process and wait for its URL: a JSON line `{"url": ...}` on stdout, or a line
 * matching `urlPattern` on stderr (the llmux banner).
 * @param {readonly string[]} nodeArgs
 * @param {{ core?: string | undefined, stdoutFile?: string, urlOnStderr?: RegExp, env?: NodeJS.ProcessEnv, cwd?: string }} options
 * @returns {Promise<Child>}
 */
export function startChild(nodeArgs, options = {}) {
  const { file, args } = command(nodeArgs, options.core);
  const stdout = options.stdoutFile === undefined ? "pipe" : openSync(options.stdoutFile, "a");
  const child = spawn(file, args, {
    stdio: ["ignore", stdout, "pipe"],
    env: options.env ?? process.env,
    cwd: options.cwd ?? process.cwd(),
  });
  /** @type {string[]} */
  const stderrLines = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error("did not report its URL within 20 s")), 20_000);
    /** @param {Error} error */
    const fail = (error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`${nodeArgs.join(" ")}: ${error.message}\n${stderrLines.join("\n")}`));
    };
    /** @param {string} url */
    const ready = (url) => {
      clearTimeout(timer);
      child.off("exit", onExit);
      resolve({
        process: child,
        pid: /** @type {number} */ (child.pid),
        url,
        stop: (signal, ms) => stopChild(child, signal, ms),
      });
    };
    /** @param {number | null} code */
    const onExit = (code) => fail(new Error(`exited with ${code} before reporting its URL`));
    child.on("exit", onExit);
    child.on("error", fail);
    const errors = createInterface({ input: /** @type {import("node:stream").Readable} */ (child.stderr) });
    errors.on("line", (line) => {
      if (stderrLines.length < 200) stderrLines.push(line);
      const match = options.urlOnStderr?.exec(line);
      if (match?.[1] !== undefined) ready(match[1]);
    });
    if (child.stdout !== null) {
      const lines = createInterface({ input: child.stdout });
      lines.once("line", (line) => {
        try {
          const parsed = /** @type {{ url?: unknown }} */ (JSON.parse(line));
          if (typeof parsed.url === "string") ready(parsed.url);
        } catch (error) {
          fail(error instanceof Error ? error : new Error(String(error)));
        }
      });
    }
  });
}

/**
 * Signal a child and wait for it to exit; SIGKILL after `timeoutMs`.
 * @param {import("node:child_process").ChildProcess} child
 * @param {NodeJS.Signals} [signal]
 * @param {number} [timeoutMs]
 * @returns {Promise<void>}
 */
function stopChild(child, signal = "SIGTERM", timeoutMs = 15_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, all threads) a process has used, in microseconds. Summed from the
 * per-thread schedstat (nanoseconds) when available, else /proc/<pid>/stat (clock ticks).
 * @param {number} pid
 * @returns {number}
 */
export function cpuMicros(pid) {
  try {
    let total = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8");
      total += Number(text.split(" ")[0]) / 1000;
    }
    if (Number.isFinite(total) && total > 0) return total;
  } catch {
    // fall through to /proc/<pid>/stat
  }
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1_000_000) / TICKS_PER_SECOND;
}

/**
 * CPU time from /proc/<pid>/stat alone (clock ticks; includes exited threads), in microseconds.
 * @param {number} pid
 */
export function cpuMicrosFromStat(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / TICKS_PER_SECOND;
}

/**
 * Resident set size in MB (VmRSS from /proc/<pid>/status).
 * @param {number} pid
 */
export function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match?.[1] === undefined ? Number.NaN : Number(match[1]) / 1024;
}

/** Busy CPU time of the whole machine (all cores, not idle or iowait), in microseconds. */
function machineBusyMicros() {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
  const values = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return ((total - idle) * 1_000_000) / TICKS_PER_SECOND;
}

/**
 * Start watching how much CPU processes other than `pids` use (other people's builds and tests
 * on a shared machine). The returned function gives their average use since, in cores.
 * @param {readonly number[]} pids
 * @returns {() => number}
 */
export function watchBackground(pids) {
  const ours = () => pids.reduce((sum, pid) => sum + safeCpuMicros(pid), 0);
  const busyBefore = machineBusyMicros();
  const oursBefore = ours();
  const started = performance.now();
  return () => {
    const elapsedUs = (performance.now() - started) * 1000;
    const foreign = machineBusyMicros() - busyBefore - (ours() - oursBefore);
    return elapsedUs <= 0 ? 0 : Math.max(0, foreign / elapsedUs);
  };
}

/** @param {number} pid */
function safeCpuMicros(pid) {
  try {
    return cpuMicrosFromStat(pid);
  } catch {
    return 0;
  }
}

/**
 * Wait (at most `maxWaitMs`) until other processes use less than `threshold` cores over a
 * 500 ms window. Returns the background load seen last, in cores.
 * @param {readonly number[]} pids
 * @param {{ maxWaitMs: number, threshold: number, log: (line: string) => void }} options
 */
export async function waitForQuiet(pids, options) {
  const deadline = performance.now() + options.maxWaitMs;
  let warned = false;
  for (;;) {
    const background = watchBackground(pids);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const load = background();
    if (load < options.threshold || performance.now() >= deadline) {
      if (load >= options.threshold)
        options.log(`machine still busy (${load.toFixed(2)} cores used by others): measuring anyway`);
      return load;
    }
    if (!warned)
      options.log(
        `other processes use ${load.toFixed(2)} cores: waiting up to ${options.maxWaitMs / 1000} s for quiet`,
      );
    warned = true;
  }
}
