/** Where a lock's local state lives, and the atomic file write every lock write goes through. */
import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { GITIGNORE } from "./messages.js";

export interface LockStatePaths {
  lock: string;
  /** `.gallop/` beside the lockfile */
  stateDir: string;
  /** `.gallop/<stem>.journal`: one JSON line per transition */
  journal: string;
  /** `.gallop/<stem>.run.lock`: who is running */
  runLock: string;
  /** `.gallop/<stem>.clips.json`: size+mtime → sha256 of verified clips (saves re-hashing) */
  clipCache: string;
  /** `.gallop/<stem>.film.json`: what the film was last made from (src/media/film-record.ts) */
  filmRecord: string;
}

export function lockStatePaths(lockPath: string): LockStatePaths {
  const stem = basename(lockPath).replace(/\.lock$/, "");
  const stateDir = join(dirname(lockPath), ".gallop");
  return {
    lock: lockPath,
    stateDir,
    journal: join(stateDir, `${stem}.journal`),
    runLock: join(stateDir, `${stem}.run.lock`),
    clipCache: join(stateDir, `${stem}.clips.json`),
    filmRecord: join(stateDir, `${stem}.film.json`),
  };
}

/** Creates `.gallop/` with its `.gitignore` (`*`), so local state never reaches git. */
export async function ensureStateDir(stateDir: string): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  const ignore = join(stateDir, ".gitignore");
  const present = await stat(ignore).then(
    () => true,
    () => false,
  );
  if (!present) await writeFile(ignore, GITIGNORE);
}

async function fsyncDir(dir: string): Promise<void> {
  // Makes the rename itself durable. Some platforms cannot open a directory; that's fine there.
  const handle = await open(dir, "r").catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // EINVAL/EISDIR on filesystems that do not support syncing directories
  } finally {
    await handle.close();
  }
}

/** Writes a file atomically: temp file in the same folder, fsync, rename, fsync the folder. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const handle = await open(temp, "w");
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (error) {
    // A full disk must not also leave a half-written temp file behind.
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await fsyncDir(dir);
}
