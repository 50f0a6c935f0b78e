/**
 * A lock opened for writing by one run: the run lock held, the lockfile and journal
 * replayed, every transition journaled (O(1), fsynced) and the lockfile compacted from
 * memory at most every second and at close.
 */
import { rm, stat } from "node:fs/promises";
import { basename } from "node:path";
import { ExitError } from "../errors.js";
import { ensureStateDir, lockStatePaths, writeFileAtomic } from "./files.js";
import { Journal } from "./journal.js";
import { loadLock } from "./load.js";
import { lockWriteFailed } from "./messages.js";
import { acquireRunLock, type RunLock } from "./run-lock.js";
import { serializeLock } from "./serialize.js";
import type { LockState } from "./state.js";
import type { JournalEntry, LockTake } from "./types.js";

export interface OpenLockOptions {
  lockPath: string;
  storyboardFile: string;
  /** shot ids in storyboard order: the order the lockfile is written in */
  shotOrder: readonly string[];
  /** minimum time between two compactions while running (default 1000 ms) */
  compactEveryMs?: number;
  now?: () => Date;
}

export interface OpenedLock {
  session: LockSession;
  /** takes found in `submitting` (a run died mid-POST), now `uncertain` */
  madeUncertain: { shot: string; take: number }[];
  /** the previous run did not finish cleanly: its journal was replayed */
  recovered: number;
  tookOverFrom?: RunLock["tookOver"];
}

export const INTERRUPTED_SUBMISSION =
  "gallop stopped while this generation was being submitted; the API may or may not have " +
  "created (and billed) a task";

export class LockSession {
  private journal: Journal;
  private dirty = false;
  private orderDirty = false;
  private timer: NodeJS.Timeout | undefined;
  private compacting: Promise<void> | undefined;
  private lastCompactMs = 0;
  private closed = false;
  private readonly compactEveryMs: number;

  constructor(
    readonly state: LockState,
    private readonly options: OpenLockOptions,
    private readonly runLock: RunLock,
  ) {
    this.journal = new Journal(lockStatePaths(options.lockPath).journal);
    this.compactEveryMs = options.compactEveryMs ?? 1000;
  }

  get lockPath(): string {
    return this.options.lockPath;
  }

  /** Records a take's new record; resolves when the transition is durable on disk. */
  async recordTake(shot: string, rec: LockTake): Promise<void> {
    await this.record({ t: "take", shot, rec });
  }

  async recordShot(shot: string, fingerprint: string, pickedTake?: number | null): Promise<void> {
    await this.record({
      t: "shot",
      shot,
      fingerprint,
      ...(pickedTake !== undefined ? { picked_take: pickedTake } : {}),
    });
  }

  async recordUpload(sha256: string, url: string, uploadedAt: string): Promise<void> {
    await this.record({ t: "upload", sha256, url, uploaded_at: uploadedAt });
  }

  private async record(entry: JournalEntry): Promise<void> {
    if (entry.t !== "upload" && !this.state.shot(entry.shot)) this.orderDirty = true;
    this.state.apply(entry);
    this.dirty = true;
    this.scheduleCompaction();
    await this.journal.append(entry);
  }

  private scheduleCompaction(): void {
    if (this.timer || this.closed) return;
    // Adaptive: a huge lock that takes long to write is compacted less often (the journal
    // is what makes transitions durable; the lockfile only has to catch up). Serialising is
    // synchronous and O(shots) (~200 ms at 10,000 shots, stalling every poll in flight), so
    // compaction gets at most ~2 % of the run's time.
    const delay = Math.max(this.compactEveryMs, this.lastCompactMs * 50);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // A failed write (e.g. a full disk) loses nothing: every transition is in the journal,
      // the state stays dirty, and close() compacts again and reports the failure.
      this.compact().catch(() => {});
    }, delay);
    this.timer.unref();
  }

  /** Writes the lockfile from memory (atomic). The journal stays until close. */
  async compact(): Promise<void> {
    while (this.compacting) await this.compacting;
    if (!this.dirty) return;
    this.compacting = (async () => {
      const started = performance.now();
      this.dirty = false;
      if (this.orderDirty) {
        this.state.orderShots(this.options.shotOrder);
        this.orderDirty = false;
      }
      try {
        await writeFileAtomic(this.options.lockPath, serializeLock(this.state.lock));
      } catch (error) {
        this.dirty = true;
        throw error;
      } finally {
        this.lastCompactMs = performance.now() - started;
        this.compacting = undefined;
      }
    })();
    await this.compacting;
  }

  /** For an immediate exit: makes every queued journal entry durable, synchronously. */
  flushSync(): void {
    this.journal.flushSync();
  }

  /** Final compaction, journal removed, run lock released. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    try {
      await this.journal.close();
      try {
        await this.compact();
      } catch (error) {
        // The journal stays: it holds every transition, and the next run replays it.
        throw new ExitError(
          lockWriteFailed(this.options.lockPath, this.journal.path, (error as Error).message),
        );
      }
      // The lockfile now holds everything the journal said.
      await rm(this.journal.path, { force: true });
    } finally {
      this.runLock.release();
    }
  }

  /** Releases the run lock without compacting (the journal keeps every transition). */
  abandon(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.runLock.release();
  }
}

/**
 * Opens the lock for a run: takes the run lock (or throws saying who holds it), loads the
 * lockfile and replays a journal left by a run that died, turns `submitting` takes into
 * `uncertain`, and writes the recovered lockfile before any new work starts.
 * A damaged lockfile or journal throws InputError and nothing is written.
 */
export async function openLock(options: OpenLockOptions): Promise<OpenedLock> {
  const paths = lockStatePaths(options.lockPath);
  await ensureStateDir(paths.stateDir);
  const runLock = acquireRunLock(paths.runLock, options.now);
  try {
    const loaded = await loadLock(options.lockPath, options.storyboardFile);
    const leftover = await stat(paths.journal).catch(() => undefined);
    if (leftover && leftover.size > 0) {
      // A journal left by a run that died, maybe ending in a torn line: fold it into the
      // lockfile and start a fresh one, so new entries are never glued onto torn bytes.
      loaded.state.orderShots(options.shotOrder);
      await writeFileAtomic(options.lockPath, serializeLock(loaded.state.lock));
      await rm(paths.journal, { force: true });
    }
    const session = new LockSession(loaded.state, options, runLock);
    const madeUncertain: OpenedLock["madeUncertain"] = [];
    for (const shot of loaded.state.lock.shots) {
      for (const take of shot.takes) {
        if (take.state !== "submitting") continue;
        madeUncertain.push({ shot: shot.id, take: take.take });
        await session.recordTake(shot.id, {
          ...take,
          state: "uncertain",
          error: INTERRUPTED_SUBMISSION,
        });
      }
    }
    loaded.state.lock.storyboard = basename(options.storyboardFile);
    if (loaded.replayed > 0 || madeUncertain.length > 0) {
      // Bring the lockfile up to date now; the old journal entries are then redundant.
      loaded.state.orderShots(options.shotOrder);
      await writeFileAtomic(options.lockPath, serializeLock(loaded.state.lock));
    }
    return {
      session,
      madeUncertain,
      recovered: loaded.replayed,
      ...(runLock.tookOver ? { tookOverFrom: runLock.tookOver } : {}),
    };
  } catch (error) {
    runLock.release();
    throw error;
  }
}
