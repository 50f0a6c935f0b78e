/**
 * The run lock `.gallop/<stem>.run.lock`: at most one `gallop run` per storyboard.
 * Created with O_EXCL; holds the pid, host and start time. A lock whose process is gone
 * (same host, `kill(pid, 0)` → ESRCH) is taken over.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { ExitError } from "../errors.js";
import { runLockHeld, runLockOtherHost, runLockUnreadable } from "./messages.js";

export interface RunLockOwner {
  pid: number;
  host: string;
  started_at: string;
}

export interface RunLock {
  path: string;
  owner: RunLockOwner;
  /** a stale lock left by a dead process was taken over */
  tookOver?: RunLockOwner;
  release(): void;
}

function readOwner(path: string): RunLockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, "utf8")) as RunLockOwner;
    return typeof owner.pid === "number" && typeof owner.host === "string" ? owner : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

function tryCreate(path: string, owner: RunLockOwner): boolean {
  try {
    writeFileSync(path, `${JSON.stringify(owner)}\n`, { flag: "wx" });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

/** Takes the run lock or throws an ExitError (exit code 1) saying who holds it and since when. */
export function acquireRunLock(path: string, now: () => Date = () => new Date()): RunLock {
  const owner: RunLockOwner = {
    pid: process.pid,
    host: hostname(),
    started_at: now().toISOString(),
  };
  let tookOver: RunLockOwner | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, owner)) {
      let released = false;
      return {
        path,
        owner,
        ...(tookOver ? { tookOver } : {}),
        release() {
          if (released) return;
          released = true;
          // Only remove the lock if it is still ours.
          if (readOwner(path)?.pid === owner.pid) rmSync(path, { force: true });
        },
      };
    }
    const holder = readOwner(path);
    if (!holder) {
      // Being written right now by another process, or damaged: look once more, then give up.
      if (attempt < 2) continue;
      throw new ExitError(runLockUnreadable(path));
    }
    if (holder.host !== owner.host) {
      throw new ExitError(runLockOtherHost(path, holder.pid, holder.host, holder.started_at));
    }
    if (holder.pid === process.pid || isAlive(holder.pid)) {
      throw new ExitError(runLockHeld(path, holder.pid, holder.host, holder.started_at));
    }
    // Stale: its process is gone. Remove it only if it still names that process.
    if (readOwner(path)?.pid === holder.pid) rmSync(path, { force: true });
    tookOver = holder;
  }
  throw new ExitError(runLockUnreadable(path));
}

/**
 * Who holds a run lock, if a live process on this host (or any process on another host) does;
 * undefined when the lock is absent or stale. Read-only: never takes or removes the lock.
 */
export function runLockHolder(path: string): RunLockOwner | undefined {
  const holder = readOwner(path);
  if (!holder) return undefined;
  if (holder.host !== hostname()) return holder;
  return holder.pid === process.pid || isAlive(holder.pid) ? holder : undefined;
}
