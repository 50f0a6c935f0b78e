/** Reading a lockfile and replaying its journal, with clear errors for anything damaged. */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { InputError } from "../errors.js";
import { lockStatePaths } from "./files.js";
import { journalInvalid, lockInvalid, lockUnreadable, lockVersionTooNew } from "./messages.js";
import { LockState } from "./state.js";
import { emptyLock, type JournalEntry, LOCK_VERSION, type LockFile } from "./types.js";
import { type LockProblem, validateLock } from "./validate.js";

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new InputError(lockUnreadable(path, (error as Error).message));
  }
}

function formatProblem(
  problem: LockProblem,
  where: (path: (string | number)[]) => string | undefined,
): string {
  const path = problem.path
    .map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`))
    .join("")
    .replace(/^\./, "");
  const position = where(problem.path);
  return `${position ? `line ${position}: ` : ""}${path || "(top level)"} ${problem.message}`;
}

/** Parses and validates lockfile text. Throws InputError naming the file and the problems. */
export function parseLock(text: string, file: string): LockFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new InputError(
      lockInvalid(
        file,
        doc.errors.map((e) => {
          const pos = e.linePos?.[0];
          return `${pos ? `line ${pos.line}:${pos.col}: ` : ""}${e.message.split("\n")[0]}`;
        }),
      ),
    );
  }
  const data = doc.toJS() as unknown;
  const version = (data as { version?: unknown } | null)?.version;
  if (typeof version === "number" && version > LOCK_VERSION) {
    throw new InputError(lockVersionTooNew(file, version));
  }
  const problems = validateLock(data);
  if (problems.length > 0) {
    const where = (path: (string | number)[]) => {
      for (let n = path.length; n > 0; n--) {
        const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number] } | undefined;
        if (node?.range) return String(lineCounter.linePos(node.range[0]).line);
      }
      return undefined;
    };
    throw new InputError(
      lockInvalid(
        file,
        problems.map((p) => formatProblem(p, where)),
      ),
    );
  }
  return data as LockFile;
}

/** Parses journal text. A torn last line (a crash mid-write) is ignored; any other bad line is an error. */
export function parseJournal(text: string, file: string): JournalEntry[] {
  const lines = text.split("\n");
  const entries: JournalEntry[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    try {
      const entry = JSON.parse(line) as JournalEntry;
      if (
        typeof entry !== "object" ||
        entry === null ||
        !["take", "shot", "upload"].includes(entry.t)
      ) {
        throw new Error("not a journal entry");
      }
      entries.push(entry);
    } catch (error) {
      const isTornTail = index === lines.length - 1;
      if (!isTornTail)
        throw new InputError(journalInvalid(file, index + 1, (error as Error).message));
    }
  });
  return entries;
}

export interface LoadedLock {
  state: LockState;
  /** whether the lockfile existed */
  existed: boolean;
  /** journal entries replayed on top of the lockfile (a run that did not finish cleanly) */
  replayed: number;
}

/**
 * Loads `<stem>.lock` and replays `.gallop/<stem>.journal` over it. Read-only: nothing is
 * written. A missing lock is an empty one; a damaged lock or journal throws InputError.
 */
export async function loadLock(lockPath: string, storyboardFile: string): Promise<LoadedLock> {
  const paths = lockStatePaths(lockPath);
  const text = await readOptional(lockPath);
  const lock = text === undefined ? emptyLock(basename(storyboardFile)) : parseLock(text, lockPath);
  const state = new LockState(lock);
  const journalText = await readOptional(paths.journal);
  const entries = journalText ? parseJournal(journalText, paths.journal) : [];
  for (const entry of entries) state.apply(entry);
  if (entries.length > 0) {
    const problems = validateLock(state.lock);
    if (problems.length > 0) {
      throw new InputError(
        journalInvalid(
          paths.journal,
          0,
          problems.map((p) => formatProblem(p, () => undefined)).join("; "),
        ),
      );
    }
  }
  return { state, existed: text !== undefined, replayed: entries.length };
}
