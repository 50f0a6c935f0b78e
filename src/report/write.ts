/**
 * `writeReport`: the contact sheet (`<outputDir>/index.html`), its poster frames
 * (`<outputDir>/posters/`) and the storyboard strip (`<outputDir>/<name>.strip.png`).
 * Reads the lock, never writes it: a report can run beside a run, or after a crash.
 */
import { mkdir, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import pLimit from "p-limit";
import { type LockFile, LockState, writeFileAtomic } from "../lock/index.js";
import { clipFileName } from "../paths.js";
import type { Storyboard } from "../types.js";
import { renderReportHtml } from "./html.js";
import { posterFailed } from "./messages.js";
import {
  buildReportModel,
  hrefFor,
  posterFileName,
  type ReportFilm,
  type ReportModel,
  takeKey,
} from "./model.js";
import { ensurePoster } from "./posters.js";
import { writeStrip } from "./strip.js";

export interface WriteReportOptions {
  signal?: AbortSignal;
  ffmpegPath?: string;
  /** poster extractions at once (default 4) */
  concurrency?: number;
  /** the time the page says it was generated (tests pass a fixed one) */
  now?: Date;
}

export interface ReportResult {
  htmlPath: string;
  stripPath: string;
  /** poster frames the page shows (extracted now or reused) */
  posters: number;
  /** poster frames extracted by this call (the rest were up to date) */
  extracted: number;
  /** clips no poster could be made of (unreadable by ffmpeg) */
  warnings: string[];
  model: ReportModel;
}

async function mtimeOf(path: string): Promise<number | undefined> {
  return stat(path).then(
    (info) => (info.isFile() ? info.mtimeMs : undefined),
    () => undefined,
  );
}

/** Writes the contact sheet and the strip for `storyboard` as the lock (journal included) sees it. */
export async function writeReport(
  storyboard: Storyboard,
  lock: LockFile | LockState,
  options: WriteReportOptions = {},
): Promise<ReportResult> {
  const lockFile = lock instanceof LockState ? lock.lock : lock;
  const state = lock instanceof LockState ? lock : new LockState(structuredClone(lockFile));
  const outputDir = storyboard.outputDir;
  await mkdir(join(outputDir, "posters"), { recursive: true });
  const media = {
    ...(options.ffmpegPath ? { ffmpegPath: options.ffmpegPath } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };

  // Every succeeded take whose clip is on disk gets a poster, orphans included.
  const clips = new Map<string, string>();
  const posters = new Map<string, string>();
  const clipTimes = new Map<string, number>();
  const limit = pLimit(options.concurrency ?? 4);
  let extracted = 0;
  const warnings: string[] = [];
  // A clip ffmpeg cannot read gets no poster (and a warning) rather than no page at all.
  const tryPoster = async (clip: string, seconds: number, poster: string) => {
    try {
      return await ensurePoster(clip, seconds, join(outputDir, poster), media);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      warnings.push(posterFailed(relative(outputDir, clip), (error as Error).message));
      return undefined;
    }
  };
  const jobs = lockFile.shots.flatMap((shot) =>
    shot.takes
      .filter((take) => take.state === "succeeded")
      .map((take) =>
        limit(async () => {
          const file = clipFileName(shot.id, take.take);
          const abs = join(outputDir, file);
          const mtime = await mtimeOf(abs);
          if (mtime === undefined) return;
          const key = takeKey(shot.id, take.take);
          clips.set(key, hrefFor(file));
          clipTimes.set(key, mtime);
          const poster = posterFileName(shot.id, take.take);
          const outcome = await tryPoster(abs, take.request.duration, poster);
          if (outcome === "extracted") extracted++;
          if (outcome) posters.set(key, hrefFor(poster));
        }),
      ),
  );
  await Promise.all(jobs);

  const filmPath = storyboard.stitch.output;
  const filmTime = await mtimeOf(filmPath);
  const film: ReportFilm = {
    href: hrefFor(relative(outputDir, filmPath)),
    exists: filmTime !== undefined,
    stale: false,
  };
  if (filmTime !== undefined) {
    film.stale = storyboard.stitch.shots.some((id) => {
      const time = clipTimes.get(takeKey(id, state.shot(id)?.picked_take ?? 1));
      return time !== undefined && time > filmTime;
    });
    const poster = "posters/film.png";
    const seconds = storyboard.stitch.shots.reduce(
      (sum, id) => sum + (storyboard.shots.find((s) => s.id === id)?.request.duration ?? 0),
      0,
    );
    const outcome = await tryPoster(filmPath, seconds, poster);
    if (outcome === "extracted") extracted++;
    if (outcome) film.poster = hrefFor(poster);
  }

  // The strip shows the picked take of each shot of the film, in film order.
  const stripName = `${storyboard.name}.strip.png`;
  const stripPath = join(outputDir, stripName);
  const tiles = storyboard.stitch.shots.map((id) => {
    const picked = state.shot(id)?.picked_take ?? 1;
    return posters.has(takeKey(id, picked))
      ? join(outputDir, posterFileName(id, picked))
      : undefined;
  });
  await writeStrip(tiles, stripPath, media);

  const model = buildReportModel(
    storyboard,
    lockFile,
    { clips, posters, film, strip: hrefFor(stripName) },
    options.now,
  );
  const htmlPath = join(outputDir, "index.html");
  await writeFileAtomic(htmlPath, renderReportHtml(model));
  return {
    htmlPath,
    stripPath,
    posters: posters.size + (film.poster ? 1 : 0),
    extracted,
    warnings,
    model,
  };
}
