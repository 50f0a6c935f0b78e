/**
 * Is the clip of a succeeded take still on disk and intact? Size first (cheap), then the
 * sha256 — but only when the file's size or mtime differs from the last verification
 * recorded in `.gallop/<stem>.clips.json`, or on `--verify`. Hashing 10,000 clips on
 * every plan would take minutes; a stat takes milliseconds.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import pLimit from "p-limit";
import type { LockState } from "../lock/index.js";
import { writeFileAtomic } from "../lock/index.js";
import { clipFileName } from "../paths.js";
import type { Storyboard } from "../types.js";
import * as say from "./messages.js";
import { type ClipCheck, clipKey } from "./plan.js";

export interface ClipCacheEntry {
  size: number;
  mtimeMs: number;
  sha256: string;
}
/** clip path (relative to the lock's folder) → last verified size, mtime and hash */
export type ClipCache = Map<string, ClipCacheEntry>;

export async function readClipCache(path: string): Promise<ClipCache> {
  try {
    const data = JSON.parse(await readFile(path, "utf8")) as Record<string, ClipCacheEntry>;
    return new Map(Object.entries(data));
  } catch {
    return new Map(); // missing or damaged: it is only a cache, hashes get recomputed
  }
}

export async function writeClipCache(path: string, cache: ClipCache): Promise<void> {
  const sorted = [...cache.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  await writeFileAtomic(path, JSON.stringify(Object.fromEntries(sorted)));
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** The clip's absolute path: `<output>/<shot>.mp4` or `<output>/<shot>.take<N>.mp4`. */
export function clipPath(storyboard: Storyboard, shot: string, take: number): string {
  return join(storyboard.outputDir, clipFileName(shot, take));
}

export interface CheckClipsOptions {
  lockDir: string;
  cache: ClipCache;
  /** hash every clip even when size and mtime are unchanged */
  verify?: boolean;
  only?: readonly string[];
}

/** Checks the clip of every succeeded take of the storyboard's (selected) shots. */
export async function checkClips(
  storyboard: Storyboard,
  state: LockState,
  options: CheckClipsOptions,
): Promise<Map<string, ClipCheck>> {
  const only = options.only ? new Set(options.only) : undefined;
  const checks = new Map<string, ClipCheck>();
  const limit = pLimit(8);
  const jobs: Promise<void>[] = [];
  for (const shot of storyboard.shots) {
    if (only && !only.has(shot.id)) continue;
    for (const take of state.shot(shot.id)?.takes ?? []) {
      if (take.state !== "succeeded" || take.take > shot.takes) continue;
      const abs = clipPath(storyboard, shot.id, take.take);
      const rel = relative(options.lockDir, abs);
      jobs.push(
        limit(async () => {
          checks.set(clipKey(shot.id, take.take), await checkClip(abs, rel, take, options));
        }),
      );
    }
  }
  await Promise.all(jobs);
  return checks;
}

async function checkClip(
  abs: string,
  rel: string,
  take: { bytes?: number; sha256?: string },
  options: CheckClipsOptions,
): Promise<ClipCheck> {
  const info = await stat(abs).catch(() => undefined);
  if (!info?.isFile()) return { status: "missing", path: rel };
  if (info.size !== take.bytes) {
    return { status: "damaged", path: rel, detail: `${info.size} bytes, expected ${take.bytes}` };
  }
  const cached = options.cache.get(rel);
  if (
    !options.verify &&
    cached &&
    cached.size === info.size &&
    cached.mtimeMs === info.mtimeMs &&
    cached.sha256 === take.sha256
  ) {
    return { status: "ok" };
  }
  const sha256 = await sha256File(abs);
  if (sha256 !== take.sha256) return { status: "damaged", path: rel, detail: "sha256 differs" };
  options.cache.set(rel, { size: info.size, mtimeMs: info.mtimeMs, sha256 });
  return { status: "ok" };
}

/** A film shot whose clip the lockfile does not vouch for. */
export interface UnverifiedFilmClip {
  id: string;
  take: number;
  reason: string;
}

/**
 * The film's shots whose picked take (take 1 unless picked) is not a succeeded take of the
 * shot's current request with its clip intact (sha256 as recorded). Empty: every clip may be
 * stitched. `gallop stitch` refuses otherwise, so a film is never silently built from a clip
 * of an older prompt or a damaged file.
 */
export async function unverifiedFilmClips(
  storyboard: Storyboard,
  state: LockState,
  options: { lockDir: string; cache: ClipCache },
): Promise<UnverifiedFilmClip[]> {
  const ids = storyboard.stitch.shots;
  const shots = new Map(storyboard.shots.map((s) => [s.id, s]));
  const clips = await checkClips(storyboard, state, { ...options, only: ids });
  const problems: UnverifiedFilmClip[] = [];
  for (const id of ids) {
    const take = state.shot(id)?.picked_take ?? 1;
    const rec = state.take(id, take);
    let reason: string | undefined;
    if (rec?.state !== "succeeded") reason = say.filmClipNotDone(rec?.state);
    else if (rec.fingerprint !== shots.get(id)?.fingerprint) reason = say.filmClipStale;
    else {
      const check = clips.get(clipKey(id, take));
      if (check && check.status !== "ok") {
        reason =
          check.status === "missing" ? say.filmClipMissing : say.filmClipDamaged(check.detail);
      }
    }
    if (reason) problems.push({ id, take, reason });
  }
  return problems;
}
