/**
 * What a run reports while it goes: one event per transition. `gallop run --json` prints
 * them one per line; the listr2 view and the summary are built from them. Never the key.
 */
import type { ActionKind, ActionStep, PlanSummary } from "./plan.js";

interface TakeRef {
  shot: string;
  take: number;
}

export type RunEvent =
  | { event: "notice"; message: string }
  | {
      event: "run-started";
      storyboard: string;
      lock: string;
      concurrency: number;
      summary: PlanSummary;
      takes: {
        shot: string;
        take: number;
        action: ActionKind;
        step: ActionStep;
        reason: string;
        task_id?: string;
      }[];
    }
  /** a local image's URL is known: uploaded now, or found in the lock's cache */
  | { event: "uploaded"; image: string; sha256: string; cached: boolean }
  | (TakeRef & { event: "submitting"; fingerprint: string; action: ActionKind })
  | (TakeRef & { event: "submitted"; task_id: string })
  | (TakeRef & { event: "resuming"; task_id: string; action: ActionKind })
  | (TakeRef & {
      event: "polled";
      task_id: string;
      attempt: number;
      status?: string;
      error?: string;
    })
  | (TakeRef & { event: "downloading"; task_id: string })
  | (TakeRef & {
      event: "downloaded";
      task_id: string;
      clip: string;
      bytes: number;
      sha256: string;
    })
  | (TakeRef & { event: "succeeded"; task_id: string; clip: string })
  | (TakeRef & { event: "failed"; task_id?: string; error: string })
  | (TakeRef & { event: "uncertain"; error: string })
  | (TakeRef & { event: "expired"; task_id: string; error: string })
  | (TakeRef & { event: "timeout"; task_id: string; error: string })
  | (TakeRef & { event: "incomplete"; task_id: string; error: string })
  | (TakeRef & { event: "stopped"; task_id?: string; reason: string })
  | { event: "stitching"; clips: number }
  | { event: "stitched"; path: string; duration_seconds: number; bytes: number; mode: string }
  | { event: "stitch-skipped"; reason: string; missing?: string[] }
  | { event: "stitch-failed"; error: string }
  | {
      event: "run-finished";
      exit_code: number;
      interrupted: boolean;
      counts: Record<string, number>;
    };

/** How each take ended in this run. */
export type TakeOutcomeStatus =
  | "skipped"
  | "succeeded"
  | "failed"
  | "uncertain"
  | "expired"
  | "timeout"
  | "incomplete"
  | "stopped"
  | "not-started"
  | "orphaned"
  | "unused";

export interface TakeOutcome {
  shot: string;
  take: number;
  action: ActionKind;
  status: TakeOutcomeStatus;
  taskId?: string;
  clip?: string;
  detail?: string;
}
