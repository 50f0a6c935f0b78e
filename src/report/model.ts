/**
 * What the contact sheet shows, as plain data: the storyboard's shots in order, each with the
 * lock's view of its takes and the files found on disk. Pure: the file facts are passed in,
 * so the page can be tested without ffmpeg or a disk.
 */
import type { LockFile, LockShot, LockTake, TakeState } from "../lock/index.js";
import { MODEL_PREFIX, type Storyboard } from "../types.js";

/** The state of a shot as the page shows it (decided by its picked take). */
export type ReportShotStatus =
  | "ready"
  | "outdated"
  | "clip-missing"
  | "not-run"
  | "in-flight"
  | "failed"
  | "uncertain"
  | "expired";

export interface ReportTake {
  take: number;
  state: TakeState | "not-generated";
  picked: boolean;
  /** kept in the lock beyond the shot's `takes:` (paid, not used) */
  unused: boolean;
  taskId?: string;
  error?: string;
  /** href of the clip (relative to the page), when the file exists */
  clip?: string;
  /** href of the poster frame, when one exists */
  poster?: string;
}

export interface ReportShot {
  id: string;
  index: number;
  status: ReportShotStatus;
  prompt?: string;
  /** the model without its `happyhorse-1-1/` prefix */
  model: string;
  duration: number;
  resolution: string;
  /** absent for image-to-video (the ratio follows the image) */
  ratio?: string;
  pickedTake: number;
  takes: ReportTake[];
  /** href of the picked take's clip and poster, when present */
  clip?: string;
  poster?: string;
  /** the picked take's error (the API's message for a failed take) */
  error?: string;
  /** another take that succeeded while the picked one did not */
  betterTake?: number;
}

export interface ReportOrphan {
  id: string;
  pickedTake: number;
  takes: ReportTake[];
}

export interface ReportFilm {
  href: string;
  exists: boolean;
  poster?: string;
  /** some picked clip is newer than the film */
  stale: boolean;
}

export interface ReportModel {
  name: string;
  /** the storyboard's file name, for the commands the page suggests */
  storyboardFile: string;
  generatedAt: string;
  film: ReportFilm;
  /** href of the storyboard strip */
  strip?: string;
  shots: ReportShot[];
  orphans: ReportOrphan[];
}

/** What was found on disk, keyed by `takeKey(shot, take)`; hrefs are relative to the page. */
export interface ReportFiles {
  clips: ReadonlyMap<string, string>;
  posters: ReadonlyMap<string, string>;
  film: ReportFilm;
  strip?: string;
}

export const takeKey = (shot: string, take: number): string => `${shot}#${take}`;

/** `a b.mp4` → `a%20b.mp4`, path by path segment, for href and src attributes. */
export function hrefFor(relativePath: string): string {
  return relativePath.split(/[\\/]/).map(encodeURIComponent).join("/");
}

/** The poster file of a take, relative to the output folder: `posters/<shot>.take<N>.png`. */
export function posterFileName(shot: string, take: number): string {
  return `posters/${shot}.take${take}.png`;
}

const IN_FLIGHT: ReadonlySet<string> = new Set(["submitting", "submitted", "downloading"]);

function reportTakes(
  lockShot: LockShot | undefined,
  wanted: number,
  files: ReportFiles,
): ReportTake[] {
  const picked = lockShot?.picked_take ?? 1;
  const recorded = lockShot?.takes ?? [];
  const count = Math.max(wanted, ...recorded.map((t) => t.take));
  const takes: ReportTake[] = [];
  for (let n = 1; n <= count; n++) {
    const take: LockTake | undefined = recorded.find((t) => t.take === n);
    if (!take && n > wanted) continue;
    const id = lockShot?.id ?? "";
    const clip = take?.state === "succeeded" ? files.clips.get(takeKey(id, n)) : undefined;
    const poster = clip ? files.posters.get(takeKey(id, n)) : undefined;
    takes.push({
      take: n,
      state: take?.state ?? "not-generated",
      picked: n === picked,
      unused: n > wanted,
      ...(take?.task_id ? { taskId: take.task_id } : {}),
      ...(take?.error ? { error: take.error } : {}),
      ...(clip ? { clip } : {}),
      ...(poster ? { poster } : {}),
    });
  }
  return takes;
}

function shotStatus(
  take: LockTake | undefined,
  hasClip: boolean,
  fingerprint: string,
  others: ReportTake[],
): ReportShotStatus {
  if (!take) return others.some((t) => IN_FLIGHT.has(t.state)) ? "in-flight" : "not-run";
  switch (take.state) {
    case "submitting":
    case "submitted":
    case "downloading":
      return "in-flight";
    case "succeeded":
      if (!hasClip) return "clip-missing";
      return take.fingerprint === fingerprint ? "ready" : "outdated";
    default:
      return take.state;
  }
}

/** Builds the page's data from the storyboard, the lock (journal included) and the files found. */
export function buildReportModel(
  storyboard: Storyboard,
  lock: LockFile,
  files: ReportFiles,
  now: Date = new Date(),
): ReportModel {
  const byId = new Map(lock.shots.map((s) => [s.id, s]));
  const storyboardFile = storyboard.file.split(/[\\/]/).pop() ?? storyboard.file;
  const shots = storyboard.shots.map((shot): ReportShot => {
    const lockShot = byId.get(shot.id);
    const normalised = lockShot ?? { id: shot.id, fingerprint: shot.fingerprint, takes: [] };
    const takes = reportTakes(normalised, shot.takes, files);
    const pickedTake = lockShot?.picked_take ?? 1;
    const picked = lockShot?.takes.find((t) => t.take === pickedTake);
    const pickedView = takes.find((t) => t.take === pickedTake);
    const status = shotStatus(picked, Boolean(pickedView?.clip), shot.fingerprint, takes);
    const better =
      status === "ready" || status === "outdated"
        ? undefined
        : takes.find((t) => t.take !== pickedTake && t.clip && !t.unused);
    const request = shot.request;
    return {
      id: shot.id,
      index: shot.index,
      status,
      ...(request.prompt !== undefined ? { prompt: request.prompt } : {}),
      model: request.model.startsWith(MODEL_PREFIX)
        ? request.model.slice(MODEL_PREFIX.length)
        : request.model,
      duration: request.duration,
      resolution: request.resolution,
      ...(request.aspect_ratio ? { ratio: request.aspect_ratio } : {}),
      pickedTake,
      takes,
      ...(pickedView?.clip ? { clip: pickedView.clip } : {}),
      ...(pickedView?.poster ? { poster: pickedView.poster } : {}),
      ...(picked?.error ? { error: picked.error } : {}),
      ...(better ? { betterTake: better.take } : {}),
    };
  });
  const known = new Set(storyboard.shots.map((s) => s.id));
  const orphans = lock.shots
    .filter((s) => !known.has(s.id))
    .map(
      (s): ReportOrphan => ({
        id: s.id,
        pickedTake: s.picked_take ?? 1,
        takes: reportTakes(s, 0, files),
      }),
    );
  return {
    name: storyboard.name,
    storyboardFile,
    generatedAt: now.toISOString(),
    film: files.film,
    ...(files.strip ? { strip: files.strip } : {}),
    shots,
    orphans,
  };
}
