/** load → parse → schema → rules → resolve, collecting every problem instead of throwing. */
import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { isMap, isSeq } from "yaml";
import { InputError } from "../errors.js";
import { storyboardStem } from "../paths.js";
import type { Storyboard } from "../types.js";
import { formatProblems } from "./format.js";
import { Locator } from "./locate.js";
import type { Manifest } from "./manifest.js";
import { messages } from "./messages.js";
import { compareProblems, hasErrors, type Problem, type ProblemDraft } from "./problem.js";
import { resolveStoryboard } from "./resolve.js";
import { type FileKind, localPaths, type RuleContext, rules } from "./rules.js";
import { schemaValidator } from "./schema.js";
import { schemaProblems } from "./schema-problems.js";
import { decodeText, type ParsedSource, parseSource } from "./source.js";

export interface CheckResult {
  /** present when there are no errors (warnings allowed) */
  storyboard?: Storyboard;
  problems: Problem[];
}

function wholeFile(file: string, message: string, hint?: string): Problem {
  const problem: Problem = { file, line: 0, col: 0, message, severity: "error", rule: "file" };
  if (hint) problem.hint = hint;
  return problem;
}

/** Offsets → line:col, the offending line as excerpt; sorted by position, duplicates dropped. */
function finish(file: string, parsed: ParsedSource, drafts: ProblemDraft[]): Problem[] {
  const { lineCounter, text } = parsed;
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const draft of drafts) {
    const problem: Problem = {
      file,
      line: 0,
      col: 0,
      message: draft.message,
      severity: draft.severity ?? "error",
      rule: draft.rule,
    };
    if (draft.range) {
      const start = Math.min(draft.range[0], text.length);
      const end = Math.min(Math.max(draft.range[1], start), text.length);
      const from = lineCounter.linePos(start);
      const to = lineCounter.linePos(end);
      Object.assign(problem, { line: from.line, col: from.col, endLine: to.line, endCol: to.col });
      const lineStart = lineCounter.lineStarts[from.line - 1] ?? 0;
      const lineEnd = text.indexOf("\n", lineStart);
      problem.excerpt = text
        .slice(lineStart, lineEnd === -1 ? text.length : lineEnd)
        .replace(/\r$/, "");
    }
    if (draft.hint) problem.hint = draft.hint;
    if (draft.path) problem.path = draft.path;
    const key = `${problem.line}:${problem.col}:${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems.sort(compareProblems);
}

async function statAll(paths: string[]): Promise<Map<string, FileKind>> {
  const kinds = await Promise.all(
    paths.map(async (path): Promise<FileKind> => {
      try {
        return (await stat(path)).isFile() ? "file" : "other";
      } catch {
        return "missing";
      }
    }),
  );
  return new Map(paths.map((path, i) => [path, kinds[i]!]));
}

/** Checks storyboard text; `file` names it in problems and anchors relative paths. */
export async function checkStoryboardSource(source: string, file: string): Promise<CheckResult> {
  const parsed = parseSource(source);
  const drafts = [...parsed.problems];
  const done = (): CheckResult => ({ problems: finish(file, parsed, drafts) });
  const doc = parsed.doc;
  if (!doc || drafts.some((d) => d.severity !== "warning")) return done();
  const root = doc.contents;
  if (root === null || (!isMap(root) && !isSeq(root) && root.toJSON?.() == null)) {
    return { problems: [wholeFile(file, messages.empty, messages.emptyHint)] };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch {
    drafts.push({ range: [0, 1], message: messages.tooManyAliases, rule: "yaml" });
    return done();
  }
  if (!isMap(root) || data === null || typeof data !== "object" || Array.isArray(data)) {
    const found = isSeq(root) ? "a list" : `the single value ${JSON.stringify(data)}`;
    drafts.push({
      range: root.range ? [root.range[0], root.range[1]] : [0, 1],
      message: messages.rootNotMapping(found),
      hint: messages.rootNotMappingHint,
      rule: "yaml",
    });
    return done();
  }
  const locator = new Locator(doc, parsed.text, parsed.lineCounter);
  const validate = schemaValidator();
  if (!validate(data)) drafts.push(...schemaProblems(validate.errors ?? [], data, locator));

  const absFile = resolve(file);
  const dir = resolve(absFile, "..");
  const record = data as Record<string, unknown>;
  const ctx: RuleContext = {
    data: record,
    locator,
    dir,
    stem: storyboardStem(absFile),
    files: await statAll(localPaths(record, dir)),
    report: (problem) => drafts.push(problem),
  };
  for (const rule of rules) rule(ctx);

  const problems = finish(file, parsed, drafts);
  if (hasErrors(problems)) return { problems };
  try {
    const storyboard = await resolveStoryboard({
      manifest: data as Manifest,
      file: absFile,
      locator,
    });
    return { storyboard, problems };
  } catch (error) {
    // An image vanished or became unreadable between the check and the hashing.
    const reason = error instanceof Error ? error.message : String(error);
    return { problems: [...problems, wholeFile(file, messages.cannotRead(reason))] };
  }
}

/** Reads and checks a storyboard file. Never throws on bad input: problems say what is wrong. */
export async function checkStoryboard(file: string): Promise<CheckResult> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      return {
        problems: [wholeFile(file, messages.cannotRead(messages.notFound), messages.notFoundHint)],
      };
    }
    if (code === "EISDIR")
      return { problems: [wholeFile(file, messages.cannotRead(messages.isDirectory))] };
    const reason = error instanceof Error ? error.message : String(error);
    return { problems: [wholeFile(file, messages.cannotRead(reason))] };
  }
  const text = decodeText(bytes);
  if (text === undefined) return { problems: [wholeFile(file, messages.notText)] };
  return checkStoryboardSource(text, file);
}

/** Loads a storyboard, or throws an InputError listing every problem (exit code 2). */
export async function loadStoryboard(file: string): Promise<Storyboard> {
  const { storyboard, problems } = await checkStoryboard(file);
  if (!storyboard) throw new InputError(formatProblems(problems).trimEnd());
  return storyboard;
}
