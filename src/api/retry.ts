/**
 * Backoff arithmetic shared by the client's retry loops. Pure functions so they can be unit
 * tested with a fixed `random`.
 */

/** Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"). */
export function fullJitter(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Parses a Retry-After header: delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * Returns milliseconds from `now`, or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * The next polling interval: the document's example starts at 10 s and adds 2 s per poll up
 * to 20 s. gallop keeps that shape for any configured interval by adding a fifth of the base
 * interval per poll (10 s → 12 s → 14 s ...), capped at the maximum interval.
 */
export function nextPollInterval(previousMs: number, baseMs: number, maxMs: number): number {
  return Math.min(previousMs + baseMs / 5, Math.max(baseMs, maxMs));
}
