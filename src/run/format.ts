/** Plain-text tables for `gallop plan`, `gallop status` and the end of `gallop run`. */

import type { TakeOutcome } from "./events.js";
import * as say from "./messages.js";
import { ACTION_KINDS, type Plan } from "./plan.js";

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table(rows: string[][], header?: string[]): string {
  const all = header ? [header, ...rows] : rows;
  const widths: number[] = [];
  for (const row of all) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return all
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .map((line) => `  ${line}\n`)
    .join("");
}

export function formatCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(", ");
}

/** How a take is named in tables: `take 2/3 *picked*` (see src/takes). */
export type TakeLabeler = (shot: string, take: number) => string;

export function formatPlan(
  plan: Plan,
  heading: string,
  label: TakeLabeler = (_shot, take) => `take ${take}`,
): string {
  const rows = plan.actions.map((a) => [
    a.shot,
    label(a.shot, a.take),
    a.step === "submit" && a.kind === "uncertain" ? "resubmit" : a.kind,
    a.taskId ?? "",
    a.reason,
  ]);
  const counts = Object.fromEntries(ACTION_KINDS.map((k) => [k, plan.summary.byKind[k]]));
  return (
    `${heading}\n` +
    (rows.length > 0
      ? table(rows, ["SHOT", "TAKE", "ACTION", "TASK", "REASON"])
      : "  (no shots selected)\n") +
    `\n${say.planSummary(plan.summary.paidGenerations, plan.summary.seconds)}` +
    `${rows.length > 0 ? ` (${formatCounts(counts)})` : ""}\n`
  );
}

/** At most this many rows in the end-of-run table; the rest are counted. */
const SUMMARY_ROWS = 50;

export function formatOutcomes(outcomes: TakeOutcome[]): string {
  // Everything that needs attention first, then the rest, up to SUMMARY_ROWS.
  const attention = outcomes.filter(
    (o) => !["skipped", "succeeded", "orphaned", "unused"].includes(o.status),
  );
  const fine = outcomes.filter((o) => !attention.includes(o));
  const shown = [...attention, ...fine].slice(0, Math.max(SUMMARY_ROWS, attention.length));
  const rows = shown.map((o) => [
    o.shot,
    `take ${o.take}`,
    o.status,
    o.taskId ?? "",
    o.detail ?? o.clip ?? "",
  ]);
  const hidden = outcomes.length - shown.length;
  return (
    table(rows, ["SHOT", "TAKE", "RESULT", "TASK", "DETAIL"]) +
    (hidden > 0 ? `  … and ${hidden} more takes that are done\n` : "")
  );
}
