/**
 * `gallop pick`: records which take of a shot the film uses (`picked_take` in the lockfile).
 * Written through a LockSession, so it takes the run lock (never while a run is going on),
 * replays a journal left by a crashed run, and writes the lockfile atomically.
 */
import { relative } from "node:path";
import { ExitError, UsageError } from "../errors.js";
import { openLock } from "../lock/index.js";
import { closest } from "../manifest/suggest.js";
import { lockPathFor } from "../paths.js";
import type { Storyboard } from "../types.js";
import * as say from "./messages.js";

export interface PickResult {
  shot: string;
  take: number;
  takes: number;
  previous: number;
  changed: boolean;
  lockPath: string;
}

/** Parses a take number argument (1-8). */
export function parseTake(text: string): number {
  const take = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(take) || take < 1 || take > 8) {
    throw new UsageError(say.badTake(text));
  }
  return take;
}

/** Validates and records the pick. Throws UsageError/ExitError with what to do. */
export async function pickTake(
  storyboard: Storyboard,
  shotId: string,
  take: number,
  options: { cwd?: string } = {},
): Promise<PickResult> {
  const shown = relative(options.cwd ?? process.cwd(), storyboard.file) || storyboard.file;
  const shot = storyboard.shots.find((s) => s.id === shotId);
  if (!shot) {
    throw new UsageError(
      say.unknownShot(
        shown,
        shotId,
        closest(
          shotId,
          storyboard.shots.map((s) => s.id),
        ),
      ),
    );
  }
  if (take > shot.takes) throw new UsageError(say.takeOutOfRange(shotId, take, shot.takes));
  const lockPath = lockPathFor(storyboard.file);
  const { session } = await openLock({
    lockPath,
    storyboardFile: storyboard.file,
    shotOrder: storyboard.shots.map((s) => s.id),
  });
  try {
    const lockShot = session.state.shot(shotId);
    const rec = session.state.take(shotId, take);
    if (!lockShot || !rec) throw new ExitError(say.takeNotGenerated(shown, shotId, take));
    if (rec.state !== "succeeded") {
      throw new ExitError(say.takeNotSucceeded(shown, shotId, take, rec.state, rec.error));
    }
    if (rec.fingerprint !== shot.fingerprint) {
      throw new ExitError(say.takeOutdated(shown, shotId, take));
    }
    const previous = lockShot.picked_take ?? 1;
    const changed = lockShot.picked_take !== take;
    if (changed) await session.recordShot(shotId, lockShot.fingerprint, take);
    return { shot: shotId, take, takes: shot.takes, previous, changed, lockPath };
  } finally {
    await session.close();
  }
}
