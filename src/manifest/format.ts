/** Problems as people read them: `file:line:col: message`, the line, a caret, a hint. */
import type { Problem } from "./problem.js";

export interface FormatOptions {
  /** ANSI colours (default: off) */
  color?: boolean;
  /** print the offending line with a caret (default: on) */
  excerpt?: boolean;
}

const ANSI = { red: 31, yellow: 33, cyan: 36, dim: 2, bold: 1 } as const;

function paint(enabled: boolean | undefined, style: keyof typeof ANSI, text: string): string {
  return enabled ? `\u001b[${ANSI[style]}m${text}\u001b[0m` : text;
}

/** Lines longer than this are shown as a window around the problem. */
const MAX_EXCERPT = 120;

function excerptLines(problem: Problem, color: boolean | undefined): string[] {
  const line = problem.excerpt;
  if (line === undefined || problem.line === 0) return [];
  let start = problem.col - 1;
  let end =
    problem.endLine === problem.line && problem.endCol !== undefined
      ? problem.endCol - 1
      : line.length;
  end = Math.max(end, start + 1);
  let shown = line;
  if (line.length > MAX_EXCERPT) {
    const from = Math.max(0, start - 40);
    shown = `${from > 0 ? "…" : ""}${line.slice(from, from + MAX_EXCERPT)}…`;
    const shift = from > 0 ? from - 1 : 0;
    start -= shift;
    end = Math.min(end - shift, shown.length);
  }
  const gutter = String(problem.line);
  const pad = " ".repeat(gutter.length);
  // Keep tabs so the caret lines up under tab-indented text.
  const lead = shown.slice(0, start).replace(/[^\t]/g, " ");
  const caret = "^".repeat(Math.max(1, Math.min(end, shown.length + 1) - start));
  const caretColor = problem.severity === "error" ? "red" : "yellow";
  return [
    `${paint(color, "dim", `${gutter} |`)} ${shown}`,
    `${paint(color, "dim", `${pad} |`)} ${lead}${paint(color, caretColor, caret)}`,
  ];
}

/** One problem, several lines, no trailing newline. */
export function formatProblem(problem: Problem, options: FormatOptions = {}): string {
  const where = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.col}` : problem.file;
  const label =
    problem.severity === "warning" ? `${paint(options.color, "yellow", "warning")}: ` : "";
  const lines = [`${paint(options.color, "bold", where)}: ${label}${problem.message}`];
  if (options.excerpt !== false) lines.push(...excerptLines(problem, options.color));
  if (problem.hint) lines.push(`  ${paint(options.color, "cyan", "hint")}: ${problem.hint}`);
  return lines.join("\n");
}

/** Every problem, in order, separated by blank lines; ends with a newline when not empty. */
export function formatProblems(problems: readonly Problem[], options: FormatOptions = {}): string {
  if (problems.length === 0) return "";
  return `${problems.map((p) => formatProblem(p, options)).join("\n\n")}\n`;
}
