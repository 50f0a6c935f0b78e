/** A problem found in a storyboard: where it is, what is wrong, and what to do. */
export interface Problem {
  /** the storyboard file as given by the caller */
  file: string;
  /** 1-based line; 0 when the problem concerns the whole file (e.g. it cannot be read) */
  line: number;
  /** 1-based column; 0 when the problem concerns the whole file */
  col: number;
  /** 1-based line just past the offending range */
  endLine?: number;
  /** 1-based column just past the offending range (exclusive) */
  endCol?: number;
  message: string;
  hint?: string;
  severity: "error" | "warning";
  /** which check found it: "yaml", "schema", "unique-id", ... */
  rule: string;
  /** where in the storyboard's data, e.g. `shots[2].duration` */
  path?: string;
  /** the offending source line, for printing with a caret */
  excerpt?: string;
}

/** A source range as character offsets [start, end). */
export type Range = readonly [number, number];

/** A problem before offsets are turned into line:col. */
export interface ProblemDraft {
  range: Range | null;
  message: string;
  hint?: string;
  severity?: "error" | "warning";
  rule: string;
  path?: string;
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === "error");
}

export function compareProblems(a: Problem, b: Problem): number {
  return a.line - b.line || a.col - b.col || a.message.localeCompare(b.message);
}
