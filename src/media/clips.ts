/** Which file stands for each shot of the film: the picked take's clip (issue 6). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { lockStatePaths } from "../lock/files.js";
import { parseJournal, parseLock } from "../lock/load.js";
import { LockState } from "../lock/state.js";
import { clipFileName, lockPathFor } from "../paths.js";
import type { Storyboard } from "../types.js";
import type { StitchClip } from "./stitch.js";

/** The clip of one take of a shot: `<shot>.mp4` for take 1, `<shot>.take<N>.mp4` otherwise. */
export function clipPathForShot(storyboard: Storyboard, shotId: string, take = 1): string {
  return join(storyboard.outputDir, clipFileName(shotId, take));
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new InputError(`${path}: cannot read it: ${(error as Error).message}`);
  }
}

/**
 * The picked take of every shot, read from the storyboard's lockfile (and the journal of a run
 * that did not finish). Synchronous: it only reads two small files. No lockfile: take 1 for all.
 * A damaged lockfile throws (a film silently built from the wrong takes would be worse).
 */
export function pickedTakesFromLock(storyboard: Storyboard): (shotId: string) => number {
  const lockPath = lockPathFor(storyboard.file);
  const text = readOptional(lockPath);
  if (text === undefined) return () => 1;
  const state = new LockState(parseLock(text, lockPath));
  const journalPath = lockStatePaths(lockPath).journal;
  const journal = readOptional(journalPath);
  if (journal) for (const entry of parseJournal(journal, journalPath)) state.apply(entry);
  return (shotId) => state.shot(shotId)?.picked_take ?? 1;
}

/** The clips of the film in `stitch.shots` order; by default each shot's picked take. */
export function filmClips(
  storyboard: Storyboard,
  pickedTake: (shotId: string) => number = pickedTakesFromLock(storyboard),
): StitchClip[] {
  return storyboard.stitch.shots.map((id) => ({
    id,
    path: clipPathForShot(storyboard, id, pickedTake(id)),
  }));
}
