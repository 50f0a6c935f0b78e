/**
 * The lock held in memory with an index by shot id, so that applying one transition is
 * O(1) whatever the number of shots (journal replay and the runner both use it).
 */
import {
  emptyLock,
  type JournalEntry,
  type LockFile,
  type LockShot,
  type LockTake,
} from "./types.js";

export class LockState {
  readonly lock: LockFile;
  private readonly byId = new Map<string, LockShot>();

  constructor(lock: LockFile) {
    this.lock = lock;
    for (const shot of lock.shots) this.byId.set(shot.id, shot);
  }

  static empty(storyboardName: string): LockState {
    return new LockState(emptyLock(storyboardName));
  }

  shot(id: string): LockShot | undefined {
    return this.byId.get(id);
  }

  take(shotId: string, take: number): LockTake | undefined {
    return this.byId.get(shotId)?.takes.find((t) => t.take === take);
  }

  /** Applies one journal entry (a full record replacing the old one; applying twice is harmless). */
  apply(entry: JournalEntry): void {
    if (entry.t === "upload") {
      this.lock.uploads[entry.sha256] = { url: entry.url, uploaded_at: entry.uploaded_at };
      return;
    }
    let shot = this.byId.get(entry.shot);
    if (!shot) {
      const fingerprint = entry.t === "shot" ? entry.fingerprint : entry.rec.fingerprint;
      shot = { id: entry.shot, fingerprint, takes: [] };
      this.byId.set(entry.shot, shot);
      this.lock.shots.push(shot);
    }
    if (entry.t === "shot") {
      shot.fingerprint = entry.fingerprint;
      if (entry.picked_take === null) delete shot.picked_take;
      else if (entry.picked_take !== undefined) shot.picked_take = entry.picked_take;
      return;
    }
    const index = shot.takes.findIndex((t) => t.take === entry.rec.take);
    if (index === -1) {
      shot.takes.push(entry.rec);
      shot.takes.sort((a, b) => a.take - b.take);
    } else {
      shot.takes[index] = entry.rec;
    }
  }

  /**
   * Puts the shots in storyboard order, then the ones no longer in the storyboard in their
   * previous order: the order the lockfile is written in.
   */
  orderShots(storyboardOrder: readonly string[]): void {
    const rank = new Map(storyboardOrder.map((id, i) => [id, i]));
    const previous = new Map(this.lock.shots.map((s, i) => [s.id, i]));
    const key = (s: LockShot) =>
      rank.get(s.id) ?? storyboardOrder.length + (previous.get(s.id) ?? 0);
    this.lock.shots.sort((a, b) => key(a) - key(b));
  }
}
