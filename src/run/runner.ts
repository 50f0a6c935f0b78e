/**
 * The runner: executes a plan with bounded concurrency (p-limit), moving each take through
 * the state machine of ARCHITECTURE.md. Every side effect is injected (STYLE.md 9): the
 * client (real API or simulator), the clock, the uploader, the stitcher, the abort signal.
 *
 * The two rules that keep users from paying twice or losing a paid result:
 * - the intent (`submitting`) is durable before the POST, the task id before the first poll;
 * - an unknown POST outcome becomes `uncertain` and is never resubmitted on its own.
 */
import { setMaxListeners } from "node:events";
import { mkdir, stat } from "node:fs/promises";
import { dirname, relative } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pLimit from "p-limit";
import type { HppyHorseClient } from "../api/types.js";
import {
  ApiError,
  AuthError,
  BadRequestError,
  ExitCode,
  PollTimeoutError,
  RateLimitedError,
  TaskFailedError,
  TaskNotFoundError,
  TransientError,
  UncertainSubmissionError,
  UsageError,
} from "../errors.js";
import {
  type LockSession,
  type LockState,
  type LockTake,
  lockStatePaths,
  openLock,
  type SupersededTask,
} from "../lock/index.js";
import { requestWithImageUrls } from "../manifest/index.js";
import { lockPathFor } from "../paths.js";
import { assertNoOtherLayoutRunning, foldShardLocks, seedFromMainLock } from "../shard/fold.js";
import { shardEmpty } from "../shard/messages.js";
import { type Shard, shardLockPath, shotsInShard } from "../shard/shard.js";
import type { PollingConfig, ResolvedShot, StitchConfig, Storyboard } from "../types.js";
import {
  chooseUploader,
  localImagesOf,
  requireUploader,
  type Uploader,
  uploadLocalImages,
} from "../upload/uploads.js";
import { checkClips, clipPath, readClipCache, writeClipCache } from "./clips.js";
import type { RunEvent, TakeOutcome, TakeOutcomeStatus } from "./events.js";
import * as say from "./messages.js";
import { type Plan, type PlannedAction, planRun } from "./plan.js";

/**
 * How long after its submission a task's 404 is retried rather than taken as "expired"
 * (see WaitOptions.notFoundGraceUntil): a new task may not be visible everywhere at once.
 */
export const NOT_FOUND_GRACE_MS = 2 * 60_000;

function notFoundGraceUntil(submittedAt: string | undefined): number | undefined {
  const at = submittedAt === undefined ? Number.NaN : Date.parse(submittedAt);
  return Number.isNaN(at) ? undefined : at + NOT_FOUND_GRACE_MS;
}

export interface StitchInput {
  clips: { id: string; path: string }[];
  config: StitchConfig;
  signal?: AbortSignal;
  onProgress?: (seconds: number) => void;
}
export interface StitchOutput {
  path: string;
  durationSeconds: number;
  bytes: number;
  mode: string;
}

export interface RunStoryboardOptions {
  client: HppyHorseClient;
  /** polling schedule (the storyboard's, with CLI overrides applied) */
  polling?: PollingConfig;
  /** takes in flight at once (default: the storyboard's) */
  concurrency?: number;
  clock?: { now(): Date };
  /** aborting stops new submissions and in-flight polls/downloads; POSTs already sent finish */
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /**
   * --simulate: uploads a local image to the simulator and returns its URL (never cached in
   * the lock). Without it (and without `uploader`), the storyboard's `upload:` command is used.
   */
  uploadImage?: (absPath: string, sha256: string) => Promise<string>;
  /** how local images get their URLs (default: see `uploadImage`) */
  uploader?: Uploader;
  /** upload local images again even when the lock has a URL for their content */
  reupload?: boolean;
  /**
   * run only the i-th of n deterministic slices of the shots, recorded in its own lockfile
   * (`<stem>.lock.d/shard-i-of-n.lock`, seeded from the main lock); implies no stitch
   */
  shard?: Shard;
  only?: readonly string[];
  resubmitUncertain?: boolean;
  /** hash every clip instead of trusting size+mtime */
  verify?: boolean;
  /** the stitcher (src/media stitchFilm); absent or false: do not stitch */
  stitch?: false | ((input: StitchInput) => Promise<StitchOutput>);
  /** asked after the plan is made and before anything is submitted; false ends the run */
  confirm?: (plan: Plan) => Promise<boolean>;
  /** receives the open lock session, e.g. to flush the journal on an immediate exit */
  onLockOpened?: (session: LockSession) => void;
  /** default: `<stem>.lock` beside the storyboard */
  lockPath?: string;
}

export interface RunResult {
  exitCode: number;
  plan: Plan;
  outcomes: TakeOutcome[];
  interrupted: boolean;
  declined: boolean;
  authError?: string;
  stitched?: StitchOutput;
  lockPath: string;
}

/** Errors of a generate call that prove no task was created (ARCHITECTURE.md, retry policy). */
function provablyNotCreated(error: unknown): boolean {
  if (error instanceof BadRequestError || error instanceof AuthError) return true;
  if (error instanceof RateLimitedError) return true;
  if (error instanceof TransientError) {
    return error.notSent || [502, 503, 504].includes(error.httpStatus ?? 0);
  }
  // 404 from generate: the endpoint does not exist (wrong --base-url or --endpoints).
  return (
    error instanceof ApiError &&
    !(error instanceof UncertainSubmissionError) &&
    error.httpStatus === 404
  );
}

/** A download error saying the result URL no longer exists. */
function isGone(error: unknown): boolean {
  return error instanceof ApiError && [403, 404, 410].includes(error.httpStatus ?? 0);
}

const DONE: ReadonlySet<TakeOutcomeStatus> = new Set([
  "skipped",
  "succeeded",
  "orphaned",
  "unused",
]);

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Checks --only against the storyboard's shot ids (UsageError for unknown ids). */
export function checkOnly(storyboard: Storyboard, only: readonly string[] | undefined): void {
  if (!only) return;
  const known = new Set(storyboard.shots.map((s) => s.id));
  const unknown = only.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new UsageError(say.unknownOnly(unknown, [...known]));
  }
}

/** Runs a storyboard to completion (or interruption) and reports what happened. */
export async function runStoryboard(
  storyboard: Storyboard,
  options: RunStoryboardOptions,
): Promise<RunResult> {
  checkOnly(storyboard, options.only);
  const shardIds = options.shard
    ? shotsInShard(
        storyboard.shots.map((s) => s.id),
        options.shard,
      )
    : undefined;
  let only = options.only;
  if (shardIds) {
    const inShard = new Set(shardIds);
    only = options.only ? options.only.filter((id) => inShard.has(id)) : shardIds;
  }
  const lockPath =
    options.lockPath ??
    (options.shard ? shardLockPath(storyboard.file, options.shard) : lockPathFor(storyboard.file));
  const lockDir = dirname(lockPath);
  const emit = options.onEvent ?? (() => {});
  const now = () => (options.clock ?? { now: () => new Date() }).now().toISOString();

  const opened = await openLock({
    lockPath,
    storyboardFile: storyboard.file,
    shotOrder: storyboard.shots.map((s) => s.id),
  });
  const { session } = opened;
  if (!options.lockPath) {
    // Checked while holding our own run lock, so two runs starting together both see each other.
    // Only with the default lock paths: a caller choosing its own lockPath manages its layout.
    try {
      await assertNoOtherLayoutRunning(storyboard, Boolean(options.shard));
    } catch (error) {
      await session.close();
      throw error;
    }
  }
  options.onLockOpened?.(session);
  const state: LockState = session.state;
  if (opened.tookOverFrom) {
    emit({
      event: "notice",
      message: say.tookOver(opened.tookOverFrom.pid, opened.tookOverFrom.started_at),
    });
  }
  if (opened.recovered > 0) emit({ event: "notice", message: say.recovered(opened.recovered) });
  if (opened.madeUncertain.length > 0) {
    emit({ event: "notice", message: say.madeUncertain(opened.madeUncertain.length) });
  }

  const clipCachePath = lockStatePaths(lockPath).clipCache;
  const clipCache = await readClipCache(clipCachePath);
  const shotsById = new Map(storyboard.shots.map((s) => [s.id, s]));
  const outcomes: TakeOutcome[] = [];
  let interrupted = false;
  let authError: string | undefined;
  let stitched: StitchOutput | undefined;
  let stitchFailed = false;
  // `halt` stops polls and downloads; POSTs already on the wire are allowed to finish.
  const halt = new AbortController();
  setMaxListeners(0, halt.signal); // one listener per take in flight
  const onAbort = () => {
    interrupted = true;
    halt.abort(options.signal?.reason);
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) onAbort();

  let plan: Plan;
  let uploader: Uploader | undefined;
  let localImages: ReturnType<typeof localImagesOf> = [];
  try {
    if (shardIds && options.shard && shardIds.length === 0) {
      emit({
        event: "notice",
        message: shardEmpty(options.shard.index, options.shard.count, storyboard.shots.length),
      });
    }
    if (shardIds) {
      // A shard never pays again for a shot the main (committed, merged) lock already has.
      const seeded = await seedFromMainLock(session, storyboard, shardIds);
      if (seeded > 0) emit({ event: "notice", message: say.seededFromMain(seeded) });
    } else if (!options.lockPath) {
      // Shard lockfiles not merged yet: fold them in so nothing a shard generated is paid again.
      const folded = await foldShardLocks(session, storyboard);
      if (folded > 0) emit({ event: "notice", message: say.foldedShards(folded) });
    }
    const clips = await checkClips(storyboard, state, {
      lockDir,
      cache: clipCache,
      ...(options.verify ? { verify: true } : {}),
      ...(only ? { only } : {}),
    });
    plan = planRun(storyboard, state, {
      clips,
      ...(only ? { only } : {}),
      ...(options.resubmitUncertain ? { resubmitUncertain: true } : {}),
    });
    // Local images of the shots about to be submitted: without a way to upload them, stop
    // before asking and before anything is submitted.
    const submitting = new Set(plan.actions.filter((a) => a.step === "submit").map((a) => a.shot));
    localImages = localImagesOf(storyboard.shots.filter((s) => submitting.has(s.id)));
    uploader =
      options.uploader ??
      chooseUploader(storyboard, options.uploadImage ? { simulated: options.uploadImage } : {});
    requireUploader(localImages, uploader);
    if (options.confirm && !(await options.confirm(plan))) {
      await session.close();
      return {
        exitCode: ExitCode.failed,
        plan,
        outcomes,
        interrupted: false,
        declined: true,
        lockPath,
      };
    }
  } catch (error) {
    await session.close();
    throw error;
  }

  // Every upload happens before the first submission; a failure ends the run (exit 2) with
  // nothing submitted.
  let imageUrlByHash = new Map<string, string>();
  if (uploader && localImages.length > 0) {
    try {
      imageUrlByHash = await uploadLocalImages(localImages, {
        uploader,
        cache: {
          lookup: (sha256) => state.lock.uploads[sha256]?.url,
          remember: (sha256, url, at) => session.recordUpload(sha256, url, at),
        },
        ...(options.reupload ? { refresh: true } : {}),
        concurrency: Math.max(1, options.concurrency ?? storyboard.concurrency),
        signal: halt.signal,
        now: () => (options.clock ?? { now: () => new Date() }).now(),
        onUpload: ({ image, cached }) =>
          emit({ event: "uploaded", image: image.path, sha256: image.sha256, cached }),
      });
    } catch (error) {
      if (!halt.signal.aborted) {
        options.signal?.removeEventListener("abort", onAbort);
        await session.close();
        throw error;
      }
      // Interrupted while uploading: every take below ends as not started.
    }
  }

  emit({
    event: "run-started",
    storyboard: storyboard.file,
    lock: lockPath,
    concurrency: options.concurrency ?? storyboard.concurrency,
    summary: plan.summary,
    takes: plan.actions.map((a) => ({
      shot: a.shot,
      take: a.take,
      action: a.kind,
      step: a.step,
      reason: a.reason,
      ...(a.taskId ? { task_id: a.taskId } : {}),
    })),
  });

  const polling = options.polling ?? storyboard.polling;
  /** clips of finished generations, downloaded outside the submission slots (see pollAndDownload) */
  const downloadLimit = pLimit(Math.max(1, options.concurrency ?? storyboard.concurrency));
  const downloads: Promise<void>[] = [];
  const finish = (
    action: PlannedAction,
    status: TakeOutcomeStatus,
    extra: Partial<TakeOutcome> = {},
  ) => {
    outcomes.push({ shot: action.shot, take: action.take, action: action.kind, status, ...extra });
  };

  const record = async (shot: string, rec: LockTake) => {
    await session.recordTake(shot, rec);
    return rec;
  };

  const stopAll = (error: AuthError) => {
    authError ??= error.message;
    halt.abort(error);
  };

  /** The URL of each of the shot's images (local ones were uploaded before any submission). */
  function imageUrl(image: ResolvedShot["images"][number]): string {
    if (image.kind === "url") return image.url;
    const url = imageUrlByHash.get(image.sha256);
    if (!url) throw new Error(say.noUploader(image.path));
    return url;
  }

  function superseded(previous: LockTake, action: PlannedAction): SupersededTask[] {
    const reason =
      action.kind === "regenerate"
        ? `regenerated: ${action.changed?.length ? action.changed.join(", ") : "request"} changed`
        : action.kind === "uncertain"
          ? "resubmitted with --resubmit-uncertain"
          : `retried after ${previous.state}`;
    const entry: SupersededTask = {
      ...(previous.task_id ? { task_id: previous.task_id } : {}),
      fingerprint: previous.fingerprint,
      state: previous.state,
      reason,
      ...(previous.result_url ? { result_url: previous.result_url } : {}),
      ...(previous.sha256 ? { sha256: previous.sha256 } : {}),
    };
    return [...(previous.history ?? []), entry];
  }

  /** submit → submitted, or a final state. Returns the submitted record, or undefined when done. */
  async function submit(action: PlannedAction, shot: ResolvedShot): Promise<LockTake | undefined> {
    let request: ReturnType<typeof requestWithImageUrls>;
    try {
      request = requestWithImageUrls(shot, imageUrl);
    } catch (error) {
      // Nothing was submitted: the lock is not touched.
      emit({ event: "failed", shot: action.shot, take: action.take, error: errorMessage(error) });
      finish(action, "failed", { detail: errorMessage(error) });
      return undefined;
    }
    if (halt.signal.aborted) {
      finish(action, "not-started");
      return undefined;
    }
    const previous = state.take(shot.id, action.take);
    const history = previous ? superseded(previous, action) : undefined;
    if (state.shot(shot.id) && state.shot(shot.id)?.fingerprint !== shot.fingerprint) {
      await session.recordShot(shot.id, shot.fingerprint);
    }
    const rec = await record(shot.id, {
      take: action.take,
      state: "submitting",
      fingerprint: shot.fingerprint,
      request: shot.request,
      ...(history ? { history } : {}),
    });
    emit({
      event: "submitting",
      shot: shot.id,
      take: action.take,
      fingerprint: shot.fingerprint,
      action: action.kind,
    });
    let taskId: string;
    try {
      // No abort signal: a POST that has started must finish, or its task id could be lost.
      // Ctrl-C only stops waiting out a 429/503 before another (paid) attempt.
      taskId = await options.client.generate(request, { stopRetries: halt.signal });
    } catch (error) {
      const message = errorMessage(error);
      if (error instanceof UncertainSubmissionError || !provablyNotCreated(error)) {
        // The body may have reached the API: a task may exist and be billed. Never resubmit here.
        await record(shot.id, { ...rec, state: "uncertain", error: message });
        emit({ event: "uncertain", shot: shot.id, take: action.take, error: message });
        finish(action, "uncertain", { detail: message });
        return undefined;
      }
      await record(shot.id, { ...rec, state: "failed", error: message, finished_at: now() });
      emit({ event: "failed", shot: shot.id, take: action.take, error: message });
      finish(action, "failed", { detail: message });
      if (error instanceof AuthError) stopAll(error);
      return undefined;
    }
    // The task id must be durable before the first poll. The fsync runs during the initial
    // delay (which the first poll waits anyway), and `submitted` is reported once it is durable.
    const submitted: LockTake = {
      ...rec,
      state: "submitted",
      task_id: taskId,
      submitted_at: now(),
    };
    const durable = record(shot.id, submitted).then(() => {
      emit({ event: "submitted", shot: shot.id, take: action.take, task_id: taskId });
    });
    const initialDelay = sleep(polling.initialDelayMs, undefined, { signal: halt.signal }).catch(
      () => {},
    );
    await Promise.all([durable, initialDelay]);
    return submitted;
  }

  async function download(action: PlannedAction, rec: LockTake, url: string): Promise<void> {
    const taskId = rec.task_id ?? "";
    const dest = clipPath(storyboard, action.shot, action.take);
    emit({ event: "downloading", shot: action.shot, take: action.take, task_id: taskId });
    await mkdir(dirname(dest), { recursive: true });
    const result = await options.client.download(url, dest, { signal: halt.signal });
    const clip = relative(lockDir, dest);
    const { error: _previousError, ...done } = rec;
    await record(action.shot, {
      ...done,
      state: "succeeded",
      result_url: url,
      clip,
      bytes: result.bytes,
      sha256: result.sha256,
      finished_at: now(),
    });
    const info = await stat(dest).catch(() => undefined);
    if (info)
      clipCache.set(clip, { size: info.size, mtimeMs: info.mtimeMs, sha256: result.sha256 });
    emit({
      event: "downloaded",
      shot: action.shot,
      take: action.take,
      task_id: taskId,
      clip,
      bytes: result.bytes,
      sha256: result.sha256,
    });
    emit({ event: "succeeded", shot: action.shot, take: action.take, task_id: taskId, clip });
    finish(action, "succeeded", { taskId, clip });
  }

  /** submitted → downloading → succeeded, or failed / expired / still in flight. */
  async function pollAndDownload(
    action: PlannedAction,
    rec: LockTake,
    resumed: boolean,
    initialDelayDone = false,
  ): Promise<void> {
    const taskId = rec.task_id ?? "";
    if (resumed)
      emit({
        event: "resuming",
        shot: action.shot,
        take: action.take,
        task_id: taskId,
        action: action.kind,
      });
    let resultUrl: string;
    try {
      const status = await options.client.waitForResult(taskId, {
        schedule: polling,
        signal: halt.signal,
        skipInitialDelay: resumed || initialDelayDone,
        notFoundGraceUntil: notFoundGraceUntil(rec.submitted_at),
        onPoll: (poll) =>
          emit({
            event: "polled",
            shot: action.shot,
            take: action.take,
            task_id: taskId,
            attempt: poll.attempt,
            ...(poll.status ? { status: poll.status.rawStatus } : {}),
            ...(poll.error ? { error: poll.error.message } : {}),
          }),
      });
      if (status.phase !== "success" || !status.resultUrl) {
        const error = status.errorMessage ?? `generation ${status.rawStatus}`;
        await record(action.shot, { ...rec, state: "failed", error, finished_at: now() });
        emit({ event: "failed", shot: action.shot, take: action.take, task_id: taskId, error });
        finish(action, "failed", { taskId, detail: error });
        return;
      }
      resultUrl = status.resultUrl;
    } catch (error) {
      await settleError(action, rec, error);
      return;
    }
    // Not awaited on its own: if it were lost, the take would still be `submitted` and the
    // next run would poll and download it (no payment). `succeeded` is queued after it.
    const downloading: LockTake = { ...rec, state: "downloading", result_url: resultUrl };
    const durable = record(action.shot, downloading);
    // The generation is over at the API: the take's concurrency slot goes to the next
    // submission while this clip downloads (downloads have their own pool of the same size;
    // the run waits for them before it ends). `succeeded` is still recorded only after the
    // clip is verified.
    const done = downloadLimit(async () => {
      try {
        await download(action, downloading, resultUrl);
      } catch (error) {
        await durable;
        await settleError(action, downloading, error);
      }
      await durable;
    }).catch((error: unknown) => {
      halt.abort(error);
      throw error;
    });
    // Handled here so a failure before the run awaits `downloads` is no unhandled rejection;
    // the run still sees it through Promise.allSettled(downloads).
    done.catch(() => {});
    downloads.push(done);
  }

  /** A succeeded take whose clip is missing or damaged: fresh URL from a status call, no new payment. */
  async function redownload(action: PlannedAction, rec: LockTake): Promise<void> {
    const taskId = rec.task_id ?? "";
    let url = rec.result_url;
    let taskGone = false;
    try {
      const status = await options.client.status(taskId, { signal: halt.signal });
      if (status.phase === "success" && status.resultUrl) url = status.resultUrl;
    } catch (error) {
      if (!(error instanceof TaskNotFoundError)) {
        await settleError(action, rec, error);
        return;
      }
      taskGone = true; // the recorded URL is the last hope
    }
    if (!url) {
      await markExpired(action, rec, say.taskExpiredBeforeDownload);
      return;
    }
    const downloading =
      rec.state === "downloading"
        ? rec
        : await record(action.shot, { ...rec, state: "downloading", result_url: url });
    try {
      await download(action, downloading, url);
    } catch (error) {
      if (!halt.signal.aborted && (taskGone || isGone(error))) {
        await markExpired(action, downloading, say.taskExpiredBeforeDownload);
        return;
      }
      await settleError(action, downloading, error);
    }
  }

  async function markExpired(action: PlannedAction, rec: LockTake, error: string) {
    const taskId = rec.task_id ?? "";
    await record(action.shot, { ...rec, state: "expired", error, finished_at: now() });
    emit({ event: "expired", shot: action.shot, take: action.take, task_id: taskId, error });
    finish(action, "expired", { taskId, detail: error });
  }

  /** The outcome of an error while polling or downloading; the task id always stays recorded. */
  async function settleError(action: PlannedAction, rec: LockTake, error: unknown): Promise<void> {
    const taskId = rec.task_id ?? "";
    const message = errorMessage(error);
    if (error instanceof AuthError) stopAll(error);
    if (halt.signal.aborted) {
      emit({
        event: "stopped",
        shot: action.shot,
        take: action.take,
        task_id: taskId,
        reason: authError ? "key rejected" : "interrupted",
      });
      finish(action, "stopped", { taskId });
      return;
    }
    if (error instanceof TaskNotFoundError) {
      await markExpired(action, rec, message);
      return;
    }
    if (error instanceof TaskFailedError) {
      await record(action.shot, { ...rec, state: "failed", error: message, finished_at: now() });
      emit({
        event: "failed",
        shot: action.shot,
        take: action.take,
        task_id: taskId,
        error: message,
      });
      finish(action, "failed", { taskId, detail: message });
      return;
    }
    // Still submitted (or downloading): the next run polls (or downloads) the same task.
    if (error instanceof PollTimeoutError) {
      const detail = say.pollTimedOut;
      emit({
        event: "timeout",
        shot: action.shot,
        take: action.take,
        task_id: taskId,
        error: detail,
      });
      finish(action, "timeout", { taskId, detail });
      return;
    }
    const detail = say.incomplete(rec.state, message);
    emit({
      event: "incomplete",
      shot: action.shot,
      take: action.take,
      task_id: taskId,
      error: detail,
    });
    finish(action, "incomplete", { taskId, detail });
  }

  async function execute(action: PlannedAction): Promise<void> {
    const shot = shotsById.get(action.shot);
    if (!shot) return;
    if (halt.signal.aborted) {
      const taskId = state.take(action.shot, action.take)?.task_id;
      finish(action, "not-started", taskId ? { taskId } : {});
      return;
    }
    if (action.step === "submit") {
      const rec = await submit(action, shot);
      if (rec) await pollAndDownload(action, rec, false, true);
      return;
    }
    const rec = state.take(action.shot, action.take);
    if (!rec) return;
    if (action.step === "poll") await pollAndDownload(action, rec, true);
    else if (action.step === "download") await redownload(action, rec);
  }

  try {
    const limit = pLimit(Math.max(1, options.concurrency ?? storyboard.concurrency));
    const jobs: Promise<void>[] = [];
    for (const action of plan.actions) {
      if (action.step === "none") {
        const status: TakeOutcomeStatus =
          action.kind === "skip"
            ? "skipped"
            : action.kind === "uncertain"
              ? "uncertain"
              : action.kind === "orphaned"
                ? "orphaned"
                : "unused";
        finish(action, status, {
          ...(action.taskId ? { taskId: action.taskId } : {}),
          ...(action.kind === "uncertain" ? { detail: action.reason } : {}),
        });
        continue;
      }
      jobs.push(
        limit(() =>
          execute(action).catch(async (error: unknown) => {
            // A journal write failed (disk full?) or a bug: stop everything, keep what is recorded.
            halt.abort(error);
            throw error;
          }),
        ),
      );
    }
    // Every job has queued its download (if any) by the time it settles.
    const settled = [...(await Promise.allSettled(jobs)), ...(await Promise.allSettled(downloads))];
    const crash = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (crash) throw crash.reason;

    // A shard holds only some shots: the film is stitched after `gallop lock merge`.
    if (options.stitch && !options.shard && !halt.signal.aborted && !authError) {
      const film = await stitchIfComplete(storyboard, state, options.stitch, halt.signal, emit);
      if (film === "failed") stitchFailed = true;
      else if (film) stitched = film;
    }
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    await session.close();
    await writeClipCache(clipCachePath, clipCache).catch(() => {});
  }

  const order = new Map(plan.actions.map((a, i) => [`${a.shot}#${a.take}`, i]));
  outcomes.sort(
    (a, b) => (order.get(`${a.shot}#${a.take}`) ?? 0) - (order.get(`${b.shot}#${b.take}`) ?? 0),
  );
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;
  const allDone = outcomes.every((o) => DONE.has(o.status));
  const exitCode = interrupted
    ? ExitCode.interrupted
    : allDone && !authError && !stitchFailed
      ? ExitCode.ok
      : ExitCode.failed;
  emit({ event: "run-finished", exit_code: exitCode, interrupted, counts });
  return {
    exitCode,
    plan,
    outcomes,
    interrupted,
    declined: false,
    lockPath,
    ...(authError ? { authError } : {}),
    ...(stitched ? { stitched } : {}),
  };
}

/**
 * Stitches the film when every shot of the stitch has a verified clip of its picked take
 * (take 1 unless `gallop pick` chose another); otherwise says which are missing.
 */
async function stitchIfComplete(
  storyboard: Storyboard,
  state: LockState,
  stitch: (input: StitchInput) => Promise<StitchOutput>,
  signal: AbortSignal,
  emit: (event: RunEvent) => void,
): Promise<StitchOutput | "failed" | undefined> {
  const ids =
    storyboard.stitch.shots.length > 0
      ? storyboard.stitch.shots
      : storyboard.shots.map((s) => s.id);
  const shots = new Map(storyboard.shots.map((s) => [s.id, s]));
  const clips: { id: string; path: string }[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const shot = shots.get(id);
    const lockShot = state.shot(id);
    const take = lockShot?.picked_take ?? 1;
    const rec = state.take(id, take);
    if (!shot || !rec || rec.state !== "succeeded" || rec.fingerprint !== shot.fingerprint) {
      missing.push(take === 1 ? id : `${id} (take ${take})`);
      continue;
    }
    clips.push({ id, path: clipPath(storyboard, id, take) });
  }
  if (missing.length > 0) {
    emit({ event: "stitch-skipped", reason: say.stitchMissing(missing), missing });
    return undefined;
  }
  emit({ event: "stitching", clips: clips.length });
  try {
    const film = await stitch({ clips, config: storyboard.stitch, signal });
    emit({
      event: "stitched",
      path: film.path,
      duration_seconds: film.durationSeconds,
      bytes: film.bytes,
      mode: film.mode,
    });
    return film;
  } catch (error) {
    if (signal.aborted) return undefined;
    emit({ event: "stitch-failed", error: errorMessage(error) });
    return "failed";
  }
}
