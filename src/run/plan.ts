/**
 * The plan: a pure diff of the storyboard's shots against the lock (and the clips found on
 * disk), one action per shot and take, each with a reason a person can read. No network,
 * no disk: clip checks are computed beforehand (clips.ts) and passed in.
 */
import type { LockState, LockTake, TakeState } from "../lock/index.js";
import type { GenerateRequest, ResolvedShot, Storyboard } from "../types.js";
import * as say from "./messages.js";

export const ACTION_KINDS = [
  "skip",
  "download",
  "poll",
  "submit",
  "regenerate",
  "retry",
  "uncertain",
  "orphaned",
  "unused",
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/** What the runner does for an action. */
export type ActionStep = "none" | "submit" | "poll" | "download";

export interface PlannedAction {
  kind: ActionKind;
  step: ActionStep;
  shot: string;
  take: number;
  reason: string;
  /** true when the action submits a new (paid) generation */
  paid: boolean;
  /** seconds of video a paid action requests */
  seconds: number;
  /** storyboard fields that changed since the take was submitted (regenerate) */
  changed?: string[];
  /** the task the action polls or downloads, or the uncertain/failed one */
  taskId?: string;
  /** the take's state in the lock, when it has one */
  state?: TakeState;
}

export interface PlanSummary {
  paidGenerations: number;
  seconds: number;
  byKind: Record<ActionKind, number>;
}

export interface Plan {
  actions: PlannedAction[];
  summary: PlanSummary;
}

export type ClipCheck =
  | { status: "ok" }
  | { status: "missing"; path: string }
  | { status: "damaged"; path: string; detail: string };

export interface PlanOptions {
  /** clip checks of succeeded takes, keyed by clipKey(shot, take); absent counts as ok */
  clips?: ReadonlyMap<string, ClipCheck>;
  /** only these shot ids (already checked to exist) */
  only?: readonly string[];
  /** resubmit takes whose submission outcome is unknown (may bill twice) */
  resubmitUncertain?: boolean;
}

export const clipKey = (shot: string, take: number) => `${shot}#${take}`;

/** Request fields by the name the storyboard uses for them. */
const FIELD_NAMES: [keyof GenerateRequest, string][] = [
  ["model", "model"],
  ["prompt", "prompt"],
  ["image_urls", "images"],
  ["reference_image", "images"],
  ["duration", "duration"],
  ["resolution", "resolution"],
  ["aspect_ratio", "ratio"],
];

/** The storyboard fields whose request values differ, e.g. ["prompt", "duration"]. */
export function changedFields(before: GenerateRequest, after: GenerateRequest): string[] {
  const changed = new Set<string>();
  for (const [key, name] of FIELD_NAMES) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changed.add(name);
  }
  return [...changed];
}

function planTake(shot: ResolvedShot, n: number, take: LockTake | undefined, options: PlanOptions) {
  const base = { shot: shot.id, take: n };
  const paid = { paid: true, seconds: shot.request.duration, step: "submit" as const };
  const free = { paid: false, seconds: 0 };
  if (!take) return { ...base, ...paid, kind: "submit" as const, reason: say.reasonNew };
  const known = {
    ...base,
    state: take.state,
    ...(take.task_id ? { taskId: take.task_id } : {}),
  };
  if (take.fingerprint !== shot.fingerprint) {
    const changed = changedFields(take.request, shot.request);
    return {
      ...known,
      ...paid,
      kind: "regenerate" as const,
      changed,
      reason: say.reasonChanged(changed),
    };
  }
  switch (take.state) {
    case "succeeded": {
      const clip = options.clips?.get(clipKey(shot.id, n)) ?? { status: "ok" };
      if (clip.status === "ok")
        return {
          ...known,
          ...free,
          kind: "skip" as const,
          step: "none" as const,
          reason: say.reasonDone,
        };
      return {
        ...known,
        ...free,
        kind: "download" as const,
        step: "download" as const,
        reason:
          clip.status === "missing"
            ? say.reasonClipMissing(clip.path)
            : say.reasonClipDamaged(clip.path, clip.detail),
      };
    }
    case "downloading":
      return {
        ...known,
        ...free,
        kind: "download" as const,
        step: "download" as const,
        reason: say.reasonDownloadUnfinished,
      };
    case "submitted":
      return {
        ...known,
        ...free,
        kind: "poll" as const,
        step: "poll" as const,
        reason: say.reasonInFlight,
      };
    case "failed":
      return { ...known, ...paid, kind: "retry" as const, reason: say.reasonFailed(take.error) };
    case "expired":
      return { ...known, ...paid, kind: "retry" as const, reason: say.reasonExpired };
    case "uncertain":
    case "submitting":
      if (options.resubmitUncertain) {
        return {
          ...known,
          ...paid,
          kind: "uncertain" as const,
          reason: say.reasonUncertainResubmit,
        };
      }
      return {
        ...known,
        ...free,
        kind: "uncertain" as const,
        step: "none" as const,
        reason: say.reasonUncertain,
      };
  }
}

function emptyCounts(): Record<ActionKind, number> {
  return Object.fromEntries(ACTION_KINDS.map((k) => [k, 0])) as Record<ActionKind, number>;
}

/** Diffs the storyboard against the lock: one action per shot and take, manifest order. */
export function planRun(storyboard: Storyboard, state: LockState, options: PlanOptions = {}): Plan {
  const only = options.only ? new Set(options.only) : undefined;
  const actions: PlannedAction[] = [];
  const inStoryboard = new Set<string>();
  for (const shot of storyboard.shots) {
    inStoryboard.add(shot.id);
    if (only && !only.has(shot.id)) continue;
    const lockShot = state.shot(shot.id);
    for (let n = 1; n <= shot.takes; n++) {
      actions.push(
        planTake(
          shot,
          n,
          lockShot?.takes.find((t) => t.take === n),
          options,
        ),
      );
    }
    for (const take of lockShot?.takes ?? []) {
      if (take.take <= shot.takes) continue;
      actions.push({
        kind: "unused",
        step: "none",
        shot: shot.id,
        take: take.take,
        reason: say.reasonUnused(shot.takes),
        paid: false,
        seconds: 0,
        state: take.state,
        ...(take.task_id ? { taskId: take.task_id } : {}),
      });
    }
  }
  if (!only) {
    for (const lockShot of state.lock.shots) {
      if (inStoryboard.has(lockShot.id)) continue;
      for (const take of lockShot.takes) {
        actions.push({
          kind: "orphaned",
          step: "none",
          shot: lockShot.id,
          take: take.take,
          reason: say.reasonOrphaned,
          paid: false,
          seconds: 0,
          state: take.state,
          ...(take.task_id ? { taskId: take.task_id } : {}),
        });
      }
    }
  }
  const summary: PlanSummary = { paidGenerations: 0, seconds: 0, byKind: emptyCounts() };
  for (const action of actions) {
    summary.byKind[action.kind] += 1;
    if (action.paid) {
      summary.paidGenerations += 1;
      summary.seconds += action.seconds;
    }
  }
  return { actions, summary };
}
