/**
 * Moving lock entries between the main lock and shard locks:
 * - `mergeShardLocks`: `gallop lock merge` folds every shard lock into the main lock;
 * - `seedFromMainLock`: before a shard runs, the main lock's entries for the shard's shots are
 *   folded into the shard lock, so a shard never pays again for a shot the (committed) main
 *   lock already has, whatever machine it runs on.
 * Both write only through a LockSession (run lock held, journal, atomic lockfile).
 */
import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import { ExitError, InputError } from "../errors.js";
import {
  type LockSession,
  LockState,
  loadLock,
  lockStatePaths,
  openLock,
  runLockHolder,
  validateLock,
} from "../lock/index.js";
import { type MergeConflict, type MergeInput, mergeLocks, recordMerged } from "../lock/merge.js";
import { canonicalJson } from "../manifest/fingerprint.js";
import { lockPathFor } from "../paths.js";
import type { Storyboard } from "../types.js";
import * as say from "./messages.js";
import { findShardLocks, type Shard, shardLockDir, shardLockPath, shotsInShard } from "./shard.js";

export interface MergeShardsResult {
  lockPath: string;
  sources: { path: string; shots: number; takes: number; taken: number }[];
  conflicts: MergeConflict[];
  /** journal records written (0: the main lock already held everything) */
  written: number;
}

function fingerprints(storyboard: Storyboard): Map<string, string> {
  return new Map(storyboard.shots.map((s) => [s.id, s.fingerprint]));
}

/** Folds the shard locks found in `from` (default `<stem>.lock.d/`) into `<stem>.lock`. */
export async function mergeShardLocks(
  storyboard: Storyboard,
  options: { from?: string; cwd?: string } = {},
): Promise<MergeShardsResult> {
  const from = options.from ?? shardLockDir(storyboard.file);
  if (options.from) {
    const info = await stat(from).catch(() => undefined);
    if (!info?.isDirectory()) throw new InputError(say.fromMissing(options.from));
  }
  const paths = await findShardLocks(from);
  if (paths.length === 0) throw new InputError(say.noShardLocks(from));
  const shown = (p: string) => relative(options.cwd ?? process.cwd(), p) || p;
  // Read (and validate) every shard lock before taking the main lock: a damaged one stops here.
  // A shard lock's clip paths are relative to `<stem>.lock.d/` on the machine that ran it,
  // wherever the file was copied since (CI artifacts): rebase them from there.
  const shardDir = shardLockDir(storyboard.file);
  const sources: MergeInput[] = [];
  for (const path of paths) {
    const { state } = await loadLock(path, storyboard.file);
    sources.push({ label: shown(path), lock: state.lock, dir: shardDir });
  }
  const lockPath = lockPathFor(storyboard.file);
  const opened = await openLock({
    lockPath,
    storyboardFile: storyboard.file,
    shotOrder: storyboard.shots.map((s) => s.id),
  });
  const { session } = opened;
  try {
    const base: MergeInput = {
      label: shown(lockPath),
      lock: session.state.lock,
      dir: dirname(lockPath),
    };
    const result = mergeLocks(base, sources, {
      targetDir: dirname(lockPath),
      currentFingerprints: fingerprints(storyboard),
    });
    // The merged lock must be one gallop can read back; refuse to write anything otherwise.
    const problems = validateLock(result.lock);
    if (problems.length > 0) {
      throw new InputError(
        say.mergeInvalid(problems.map((p) => `${p.path.join(".")} ${p.message}`)),
      );
    }
    const written = await recordMerged(session, result.lock);
    await session.close();
    return {
      lockPath,
      sources: sources.map((s) => ({
        path: s.label,
        shots: s.lock.shots.length,
        takes: s.lock.shots.reduce((n, shot) => n + shot.takes.length, 0),
        taken: result.taken[s.label] ?? 0,
      })),
      conflicts: result.conflicts,
      written,
    };
  } catch (error) {
    session.abandon();
    throw error;
  }
}

/**
 * Folds the main lock's entries for `shotIds` (and its upload cache) into an open shard lock
 * session. Returns how many records were written.
 */
export async function seedFromMainLock(
  session: LockSession,
  storyboard: Storyboard,
  shotIds: readonly string[],
): Promise<number> {
  const mainPath = lockPathFor(storyboard.file);
  const { state: main, existed } = await loadLock(mainPath, storyboard.file);
  if (!existed && main.lock.shots.length === 0) return 0;
  const result = mergeLocks(
    { label: basename(session.lockPath), lock: session.state.lock, dir: dirname(session.lockPath) },
    [{ label: basename(mainPath), lock: main.lock, dir: dirname(mainPath) }],
    {
      targetDir: dirname(session.lockPath),
      currentFingerprints: fingerprints(storyboard),
      shots: new Set(shotIds),
    },
  );
  return recordMerged(session, result.lock);
}

/**
 * A shard's lock as its next run will see it, read-only: the shard lockfile with the main
 * lock's entries for the shard's shots folded in (for `gallop plan --shard` and `status`).
 */
export async function loadShardView(
  storyboard: Storyboard,
  shard: Shard,
): Promise<{ state: LockState; lockPath: string; shotIds: string[]; existed: boolean }> {
  const shotIds = shotsInShard(
    storyboard.shots.map((s) => s.id),
    shard,
  );
  const lockPath = shardLockPath(storyboard.file, shard);
  const mainPath = lockPathFor(storyboard.file);
  const own = await loadLock(lockPath, storyboard.file);
  const main = await loadLock(mainPath, storyboard.file);
  const result = mergeLocks(
    { label: basename(lockPath), lock: own.state.lock, dir: dirname(lockPath) },
    [{ label: basename(mainPath), lock: main.state.lock, dir: dirname(mainPath) }],
    {
      targetDir: dirname(lockPath),
      currentFingerprints: fingerprints(storyboard),
      shots: new Set(shotIds),
    },
  );
  return { state: new LockState(result.lock), lockPath, shotIds, existed: own.existed };
}

async function readShardLocks(storyboard: Storyboard): Promise<MergeInput[]> {
  const paths = await findShardLocks(shardLockDir(storyboard.file));
  const inputs: MergeInput[] = [];
  for (const path of paths) {
    const { state } = await loadLock(path, storyboard.file);
    inputs.push({ label: basename(path), lock: state.lock, dir: dirname(path) });
  }
  return inputs;
}

/**
 * Before an unsharded run: folds shard lockfiles that are not merged yet into the main lock
 * session, so a run on the main lock never pays again for what a shard already generated.
 * Returns how many records were written.
 */
export async function foldShardLocks(
  session: LockSession,
  storyboard: Storyboard,
): Promise<number> {
  const sources = await readShardLocks(storyboard);
  if (sources.length === 0) return 0;
  const result = mergeLocks(
    { label: basename(session.lockPath), lock: session.state.lock, dir: dirname(session.lockPath) },
    sources,
    { targetDir: dirname(session.lockPath), currentFingerprints: fingerprints(storyboard) },
  );
  return recordMerged(session, result.lock);
}

/**
 * The main lock as the next unsharded run will see it (shard lockfiles folded in), read-only;
 * `unmerged` says whether the shard locks add anything to the main lockfile.
 */
export async function loadMainView(
  storyboard: Storyboard,
): Promise<{ state: LockState; existed: boolean; unmerged: boolean }> {
  const mainPath = lockPathFor(storyboard.file);
  const main = await loadLock(mainPath, storyboard.file);
  const sources = await readShardLocks(storyboard);
  if (sources.length === 0) return { state: main.state, existed: main.existed, unmerged: false };
  const result = mergeLocks(
    { label: basename(mainPath), lock: main.state.lock, dir: dirname(mainPath) },
    sources,
    { targetDir: dirname(mainPath), currentFingerprints: fingerprints(storyboard) },
  );
  const state = new LockState(result.lock);
  state.orderShots(storyboard.shots.map((s) => s.id));
  const unmerged = canonicalJson(main.state.lock) !== canonicalJson(result.lock);
  return { state, existed: main.existed, unmerged };
}

/**
 * A sharded and an unsharded run of the same storyboard on one machine would each submit the
 * shots the other has not recorded yet (paying twice). Throws ExitError naming the other run.
 */
export async function assertNoOtherLayoutRunning(
  storyboard: Storyboard,
  sharded: boolean,
): Promise<void> {
  const paths = sharded
    ? [lockStatePaths(lockPathFor(storyboard.file)).runLock]
    : (await readdir(join(shardLockDir(storyboard.file), ".gallop")).catch(() => []))
        .filter((name) => name.endsWith(".run.lock"))
        .map((name) => join(shardLockDir(storyboard.file), ".gallop", name));
  for (const path of paths) {
    const holder = runLockHolder(path);
    if (holder) {
      throw new ExitError(
        sharded
          ? say.unshardedRunning(path, holder.pid, holder.host, holder.started_at)
          : say.shardRunning(path, holder.pid, holder.host, holder.started_at),
      );
    }
  }
}
