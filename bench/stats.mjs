// Small statistics helpers: percentiles, medians across repetitions, and their spread.

/**
 * The p-th percentile (0-100) of numbers, nearest-rank on a sorted copy. NaN when empty.
 * @param {readonly number[]} values
 * @param {number} p
 * @returns {number}
 */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/**
 * @param {readonly number[]} values
 * @returns {number}
 */
export function median(values) {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
}

/**
 * @typedef {{ median: number, min: number, max: number, runs: number[] }} Summary
 */

/**
 * The median of several repetitions, with the range they spanned.
 * @param {readonly number[]} runs
 * @returns {Summary}
 */
export function summarize(runs) {
  const finite = runs.filter((value) => Number.isFinite(value));
  return {
    median: median(finite),
    min: finite.length === 0 ? Number.NaN : Math.min(...finite),
    max: finite.length === 0 ? Number.NaN : Math.max(...finite),
    runs: [...runs],
  };
}

/**
 * Summaries for each numeric field of per-repetition records.
 * @template {string} K
 * @param {readonly Record<K, number>[]} records
 * @returns {Record<K, Summary>}
 */
export function summarizeFields(records) {
  /** @type {Record<string, Summary>} */
  const result = {};
  const first = records[0];
  if (first === undefined) return /** @type {Record<K, Summary>} */ (result);
  for (const key of Object.keys(first)) {
    result[key] = summarize(
      records.map((record) => /** @type {Record<string, number>} */ (record)[key] ?? NaN),
    );
  }
  return /** @type {Record<K, Summary>} */ (result);
}

/**
 * `a / b`, NaN when either is not a finite number or b is 0.
 * @param {number} a
 * @param {number} b
 */
export function ratio(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN;
}

/**
 * A number for a table: NaN as "-", otherwise `digits` significant-ish decimals.
 * @param {number} value
 * @param {number} [digits]
 */
export function formatNumber(value, digits = 2) {
  if (!Number.isFinite(value)) return "-";
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en-US");
  if (Math.abs(value) >= 100) return value.toFixed(Math.max(0, digits - 2));
  if (Math.abs(value) >= 10) return value.toFixed(Math.max(0, digits - 1));
  return value.toFixed(digits);
}

/**
 * "median (min-max)" for a summary.
 * @param {Summary} summary
 * @param {number} [digits]
 */
export function formatSpread(summary, digits = 2) {
  if (!Number.isFinite(summary.median)) return "-";
  if (summary.runs.length < 2) return formatNumber(summary.median, digits);
  return `${formatNumber(summary.median, digits)} (${formatNumber(summary.min, digits)}-${formatNumber(summary.max, digits)})`;
}
