/**
 * The lockfile's data (`<stem>.lock`, committed beside the storyboard). See
 * schemas/lock.schema.json and ARCHITECTURE.md "The take's state machine".
 */
import type { GenerateRequest } from "../types.js";

export const LOCK_VERSION = 1;

/**
 * A take's place in the state machine:
 * submitting → submitted → downloading → succeeded, or failed / uncertain / expired.
 */
export const TAKE_STATES = [
  "submitting",
  "submitted",
  "downloading",
  "succeeded",
  "failed",
  "uncertain",
  "expired",
] as const;
export type TakeState = (typeof TAKE_STATES)[number];

/** A task a take no longer points at (superseded by a regeneration, retry or resubmission). */
export interface SupersededTask {
  task_id?: string;
  fingerprint: string;
  state: TakeState;
  reason: string;
  result_url?: string;
  sha256?: string;
}

/** One generation of one shot. Field order here is the order written to the lockfile. */
export interface LockTake {
  take: number;
  state: TakeState;
  /** fingerprint of the request this take was submitted with */
  fingerprint: string;
  /** the request body as sent, with local images as `local-sha256:<hex>` (never a secret) */
  request: GenerateRequest;
  task_id?: string;
  submitted_at?: string;
  finished_at?: string;
  result_url?: string;
  /** the clip's path relative to the lockfile's folder */
  clip?: string;
  bytes?: number;
  sha256?: string;
  /** the API's error message (failed), or why the outcome is unknown (uncertain, expired) */
  error?: string;
  history?: SupersededTask[];
}

export interface LockShot {
  id: string;
  /** fingerprint of the shot's request when a take was last submitted */
  fingerprint: string;
  /** the take the stitch and report use (issue 6's `gallop pick`); absent means take 1 */
  picked_take?: number;
  takes: LockTake[];
}

/** A cached upload of a local image (issue 6), keyed by the image's sha256. */
export interface LockUpload {
  url: string;
  uploaded_at: string;
}

export interface LockFile {
  version: typeof LOCK_VERSION;
  /** the storyboard's file name, for people reading the lock */
  storyboard: string;
  uploads: Record<string, LockUpload>;
  shots: LockShot[];
}

/** One line of the journal (`.gallop/<stem>.journal`): a full record replacing the old one. */
export type JournalEntry =
  | { t: "take"; shot: string; rec: LockTake }
  | { t: "shot"; shot: string; fingerprint: string; picked_take?: number | null }
  | { t: "upload"; sha256: string; url: string; uploaded_at: string };

export function emptyLock(storyboard: string): LockFile {
  return { version: LOCK_VERSION, storyboard, uploads: {}, shots: [] };
}
