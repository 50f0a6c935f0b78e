/**
 * The client contract the runner depends on. src/api/ implements it against the real
 * HTTP API (and so against the simulator); tests hand in the real simulator.
 */
import type { GenerateRequest, PollingConfig } from "../types.js";

export type TaskPhase = "in_progress" | "success" | "failed";

export interface TaskStatus {
  taskId: string;
  /** in_progress for IN_PROGRESS and any unknown non-terminal status (e.g. PENDING) */
  phase: TaskPhase;
  /** the status string exactly as the API sent it */
  rawStatus: string;
  /** first of response.resultUrls when phase is success */
  resultUrl?: string;
  /** error_message when phase is failed */
  errorMessage?: string;
  model?: string;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  sha256: string;
}

export interface PollEvent {
  taskId: string;
  attempt: number;
  status?: TaskStatus;
  /** a transient error that will be retried */
  error?: Error;
  /** ms until the next poll */
  nextDelayMs?: number;
}

export interface WaitOptions {
  schedule: PollingConfig;
  signal?: AbortSignal;
  /** called after every status request */
  onPoll?: (event: PollEvent) => void;
  /** skip the initial delay (e.g. resuming a task submitted long ago) */
  skipInitialDelay?: boolean;
  /**
   * Until this time (ms since the epoch), a 404 on status is retried like a transient error
   * instead of meaning "expired": a task created a moment ago may not be visible to every
   * API replica yet, and calling it expired would invite a second, paid submission.
   */
  notFoundGraceUntil?: number;
}

export interface HppyHorseClient {
  /**
   * POST generate. Retries only when no task can have been created (connection refused,
   * 429, 502/503/504). Throws UncertainSubmissionError when the body was sent but the
   * answer was lost; BadRequestError on 400; AuthError on 401/403.
   * `stopRetries` only stops waiting for another attempt (the last error is thrown: no task
   * was created); unlike `signal`, it never cuts a request that is on the wire.
   */
  generate(
    request: GenerateRequest,
    options?: { signal?: AbortSignal; stopRetries?: AbortSignal },
  ): Promise<string>;
  /** One GET status (retrying transient errors briefly). Throws TaskNotFoundError on 404. */
  status(taskId: string, options?: { signal?: AbortSignal }): Promise<TaskStatus>;
  /**
   * Polls until SUCCESS or FAILED or the schedule's timeout. Resolves with the final status
   * (phase success with a resultUrl, or failed); throws PollTimeoutError at the deadline.
   */
  waitForResult(taskId: string, options: WaitOptions): Promise<TaskStatus>;
  /** Streams url to destPath (temp file + verify + fsync + rename). */
  download(
    url: string,
    destPath: string,
    options?: { signal?: AbortSignal },
  ): Promise<DownloadResult>;
}
