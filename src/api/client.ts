/**
 * The HppyHorse 1.1 HTTP client (ARCHITECTURE.md, retry policy). Every request has its own
 * timeout; the per-take polling deadline is separate. Both the HTTP status and the envelope's
 * `code` are checked. The key is only ever placed in the Authorization header.
 */
import { setTimeout as delay } from "node:timers/promises";
import {
  ApiError,
  AuthError,
  BadRequestError,
  PollTimeoutError,
  RateLimitedError,
  TaskFailedError,
  TaskNotFoundError,
  TransientError,
  UncertainSubmissionError,
} from "../errors.js";
import { GENERATE_BODY_FIELDS, type GenerateRequest } from "../types.js";
import { downloadFile } from "./download.js";
import { messages } from "./messages.js";
import { fullJitter, nextPollInterval, parseRetryAfter } from "./retry.js";
import type { DownloadResult, HppyHorseClient, TaskStatus, WaitOptions } from "./types.js";

export type EndpointFamily = "v1.1" | "stable";

export interface ClientOptions {
  baseUrl: string;
  apiKey: string;
  /** "v1.1" (default): /api/happyhorse-1-1/...; "stable": /api/generate and /api/status */
  endpoints?: EndpointFamily;
  /** timeout of one HTTP request (default 30 s); a download uses it as its stall timeout */
  requestTimeoutMs?: number;
  /** attempts of a generate that provably created no task (default 5) */
  generateAttempts?: number;
  /** attempts of a single status() call (default 4); waitForResult retries until its deadline */
  statusAttempts?: number;
  /** attempts of a download (default 4) */
  downloadAttempts?: number;
  /** longest Retry-After gallop waits inside one call (default 120 s); longer → RateLimitedError */
  maxRetryAfterMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const RETRY_BASE_MS = 1_000;
const RETRY_CAP_MS = 30_000;
/** A Retry-After of 0 still waits this long, so a misbehaving server cannot make gallop spin. */
const MIN_RETRY_AFTER_MS = 100;

export const ENDPOINT_PATHS: Record<EndpointFamily, { generate: string; status: string }> = {
  "v1.1": { generate: "/api/happyhorse-1-1/generate", status: "/api/happyhorse-1-1/status" },
  stable: { generate: "/api/generate", status: "/api/status" },
};

/** The request exactly as documented, without undefined (or unknown) fields: nothing else is sent. */
export function requestBody(request: GenerateRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of GENERATE_BODY_FIELDS) {
    const value = request[field];
    if (value !== undefined && value !== null) body[field] = value;
  }
  // The document lists aspect_ratio for text- and reference-to-video only.
  if (request.model === "happyhorse-1-1/image-to-video") delete body.aspect_ratio;
  return body;
}

type CallKind = "generate" | "status";

interface Envelope {
  code: number;
  message: string;
  data: unknown;
}

const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describe(error: unknown): string {
  const code = errorCode(error);
  const cause = (error as { cause?: { message?: string } }).cause?.message;
  const message = error instanceof Error ? error.message : String(error);
  return [code, cause ?? message].filter(Boolean).join(": ");
}

function isTimeout(error: unknown): boolean {
  return (error as { name?: string }).name === "TimeoutError";
}

class HttpClient implements HppyHorseClient {
  private readonly baseUrl: string;
  private readonly paths: { generate: string; status: string };
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(private readonly options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.paths = ENDPOINT_PATHS[options.endpoints ?? "v1.1"];
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.sleep =
      options.sleep ??
      ((ms, signal) => delay(Math.max(0, ms), undefined, { signal }).then(() => {}));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  /** Scrubs the key out of anything the API (or a proxy) echoes back before it is quoted. */
  private redact(text: string): string {
    const key = this.options.apiKey;
    const short = text.length > 500 ? `${text.slice(0, 500)}…` : text;
    return key ? short.split(key).join("[redacted]") : short;
  }

  async generate(
    request: GenerateRequest,
    options: { signal?: AbortSignal; stopRetries?: AbortSignal } = {},
  ): Promise<string> {
    const body = requestBody(request);
    const attempts = this.options.generateAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        const data = await this.call("generate", "POST", this.paths.generate, body, options.signal);
        const taskId = (data as { task_id?: unknown } | null)?.task_id;
        if (typeof taskId !== "string" || taskId === "") {
          // A task may exist, but without its id gallop cannot follow it.
          throw new UncertainSubmissionError(messages.uncertain("the answer had no task_id"), 200);
        }
        return taskId;
      } catch (error) {
        const retryable =
          error instanceof RateLimitedError ||
          (error instanceof TransientError &&
            (error.notSent || [502, 503, 504].includes(error.httpStatus ?? 0)));
        if (!retryable || attempt >= attempts) throw error;
        // Stopped while waiting to try again: no task exists, so none is created now.
        const stop = options.stopRetries;
        if (stop?.aborted) throw error;
        const wait =
          stop && options.signal
            ? AbortSignal.any([stop, options.signal])
            : (stop ?? options.signal);
        try {
          await this.sleep(this.retryDelay(error, attempt), wait);
        } catch (sleepError) {
          if (stop?.aborted && !options.signal?.aborted) throw error;
          throw sleepError;
        }
      }
    }
  }

  async status(taskId: string, options: { signal?: AbortSignal } = {}): Promise<TaskStatus> {
    const attempts = this.options.statusAttempts ?? 4;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.statusOnce(taskId, options.signal);
      } catch (error) {
        const retryable = error instanceof TransientError || error instanceof RateLimitedError;
        if (!retryable || attempt >= attempts) throw error;
        await this.sleep(this.retryDelay(error, attempt), options.signal);
      }
    }
  }

  async waitForResult(taskId: string, options: WaitOptions): Promise<TaskStatus> {
    const { schedule, signal, onPoll } = options;
    const started = this.now();
    const deadline = started + schedule.timeoutMs;
    const untilDeadline = () => Math.max(0, deadline - this.now());
    if (!options.skipInitialDelay && schedule.initialDelayMs > 0) {
      await this.sleep(Math.min(schedule.initialDelayMs, untilDeadline()), signal);
    }
    let interval = schedule.intervalMs;
    let consecutiveErrors = 0;
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      let wait: number;
      try {
        const status = await this.statusOnce(taskId, signal);
        consecutiveErrors = 0;
        if (status.phase !== "in_progress") {
          onPoll?.({ taskId, attempt, status });
          return status;
        }
        wait = Math.min(interval, untilDeadline());
        interval = nextPollInterval(interval, schedule.intervalMs, schedule.maxIntervalMs);
        if (untilDeadline() <= 0) {
          onPoll?.({ taskId, attempt, status });
          break;
        }
        onPoll?.({ taskId, attempt, status, nextDelayMs: wait });
      } catch (error) {
        const youngTask =
          error instanceof TaskNotFoundError &&
          options.notFoundGraceUntil !== undefined &&
          this.now() < options.notFoundGraceUntil;
        if (!(error instanceof TransientError || error instanceof RateLimitedError || youngTask)) {
          throw error;
        }
        consecutiveErrors++;
        const base = Math.max(250, schedule.intervalMs / 2);
        const backoff =
          error instanceof RateLimitedError && error.retryAfterMs !== undefined
            ? Math.max(MIN_RETRY_AFTER_MS, error.retryAfterMs)
            : fullJitter(
                consecutiveErrors,
                base,
                Math.max(base, schedule.maxIntervalMs),
                this.random,
              );
        wait = Math.min(backoff, untilDeadline());
        if (untilDeadline() <= 0) {
          onPoll?.({ taskId, attempt, error });
          break;
        }
        onPoll?.({ taskId, attempt, error, nextDelayMs: wait });
      }
      await this.sleep(wait, signal);
    }
    throw new PollTimeoutError(messages.pollTimeout(taskId, schedule.timeoutMs));
  }

  download(
    url: string,
    destPath: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<DownloadResult> {
    return downloadFile(url, destPath, {
      signal: options.signal,
      attempts: this.options.downloadAttempts ?? 4,
      stallTimeoutMs: this.timeoutMs,
      sleep: this.sleep,
      backoff: (attempt) => fullJitter(attempt, RETRY_BASE_MS, RETRY_CAP_MS, this.random),
    });
  }

  private retryDelay(error: unknown, attempt: number): number {
    if (error instanceof RateLimitedError && error.retryAfterMs !== undefined) {
      const limit = this.options.maxRetryAfterMs ?? 120_000;
      if (error.retryAfterMs > limit) throw error;
      return Math.max(MIN_RETRY_AFTER_MS, error.retryAfterMs);
    }
    return fullJitter(attempt, RETRY_BASE_MS, RETRY_CAP_MS, this.random);
  }

  private async statusOnce(taskId: string, signal?: AbortSignal): Promise<TaskStatus> {
    const path = `${this.paths.status}?task_id=${encodeURIComponent(taskId)}`;
    const data = (await this.call("status", "GET", path, undefined, signal, taskId)) as Record<
      string,
      unknown
    > | null;
    if (!data || typeof data !== "object" || typeof data.status !== "string") {
      throw new TransientError(messages.malformed("status without data.status"), 200);
    }
    if (typeof data.task_id === "string" && data.task_id !== taskId) {
      throw new TransientError(
        messages.malformed(`asked for task ${taskId}, got ${this.redact(data.task_id)}`),
        200,
      );
    }
    const rawStatus = data.status;
    const model = typeof data.model === "string" ? data.model : undefined;
    const base = { taskId, rawStatus, ...(model ? { model } : {}) };
    const upper = rawStatus.toUpperCase();
    if (upper === "SUCCESS") {
      const urls = (data.response as { resultUrls?: unknown } | null | undefined)?.resultUrls;
      const first = Array.isArray(urls) ? urls[0] : undefined;
      if (typeof first !== "string" || first === "") {
        return { ...base, phase: "failed", errorMessage: messages.successWithoutUrl(taskId) };
      }
      return { ...base, phase: "success", resultUrl: first };
    }
    if (upper === "FAILED") {
      const reason = typeof data.error_message === "string" ? data.error_message : undefined;
      return { ...base, phase: "failed", errorMessage: reason || "Generation failed" };
    }
    // IN_PROGRESS, and any status the document does not name (PENDING, QUEUED, ...).
    return { ...base, phase: "in_progress" };
  }

  /** One HTTP request; returns the envelope's data or throws a typed error. */
  private async call(
    kind: CallKind,
    method: "GET" | "POST",
    path: string,
    body: unknown,
    signal?: AbortSignal,
    taskId?: string,
  ): Promise<unknown> {
    const url = `${this.baseUrl}${path}`;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const composite = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.apiKey}`,
      accept: "application/json",
    };
    if (body !== undefined) headers["content-type"] = "application/json";
    signal?.throwIfAborted();
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: composite,
        redirect: "error",
      });
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) {
        // Stopped by the caller while a generate was in flight: its body may have arrived.
        if (kind === "generate") {
          throw new UncertainSubmissionError(messages.uncertain(messages.interrupted));
        }
        throw signal.reason;
      }
      throw this.networkError(kind, error);
    }
    let envelope: Partial<Envelope> | undefined;
    try {
      const parsed: unknown = text ? JSON.parse(text) : undefined;
      if (parsed && typeof parsed === "object") envelope = parsed as Partial<Envelope>;
    } catch {
      envelope = undefined;
    }
    const apiMessage = this.redact(
      typeof envelope?.message === "string"
        ? envelope.message
        : response.ok
          ? ""
          : text.trim().slice(0, 200),
    );
    const httpStatus = response.status;
    if (!response.ok) {
      throw this.errorFor(
        kind,
        httpStatus,
        httpStatus,
        undefined,
        apiMessage,
        response,
        url,
        taskId,
      );
    }
    if (!envelope) {
      const what = "the body is not a JSON envelope";
      if (kind === "generate")
        throw new UncertainSubmissionError(messages.uncertain(what), httpStatus);
      throw new TransientError(messages.malformed(what), httpStatus);
    }
    const code = Number(envelope.code);
    if (code !== 200) {
      if (!Number.isFinite(code)) {
        const what = "the envelope has no numeric code";
        if (kind === "generate")
          throw new UncertainSubmissionError(messages.uncertain(what), httpStatus);
        throw new TransientError(messages.malformed(what), httpStatus);
      }
      throw this.errorFor(kind, httpStatus, code, code, apiMessage, response, url, taskId);
    }
    return envelope.data;
  }

  private networkError(kind: CallKind, error: unknown): ApiError {
    const code = errorCode(error);
    // fetch quotes an invalid header value whole ("Bearer <key>"): never pass that on.
    const described = this.redact(describe(error));
    if (code && NOT_SENT_CODES.has(code)) {
      return new TransientError(messages.notSent(described), undefined, undefined, true);
    }
    const cause = isTimeout(error) ? messages.requestTimeout(this.timeoutMs) : described;
    if (kind === "generate") return new UncertainSubmissionError(messages.uncertain(cause));
    return new TransientError(messages.networkError(cause));
  }

  /**
   * Maps an error answer (HTTP status, or the envelope's code under HTTP 200) to a typed error.
   * For generate, anything that does not prove "no task was created" is uncertain.
   */
  private errorFor(
    kind: CallKind,
    httpStatus: number,
    code: number,
    apiCode: number | undefined,
    apiMessage: string,
    response: Response,
    url: string,
    taskId?: string,
  ): ApiError {
    if (code === 401 || code === 403) {
      return new AuthError(messages.authRejected(code, apiMessage), httpStatus, apiCode);
    }
    if (code === 400 || code === 422) {
      return new BadRequestError(
        messages.badRequest(apiMessage || `HTTP ${code}`),
        httpStatus,
        apiCode,
      );
    }
    if (code === 404) {
      if (kind === "status") {
        return new TaskNotFoundError(messages.taskNotFound(taskId ?? "?"), httpStatus, apiCode);
      }
      return new ApiError(messages.endpointNotFound(url), httpStatus, apiCode);
    }
    if (code === 429) {
      const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), this.now());
      return new RateLimitedError(messages.rateLimited(retryAfterMs), retryAfterMs, httpStatus);
    }
    const text =
      apiCode !== undefined && httpStatus === 200
        ? messages.envelopeError(code, apiMessage)
        : messages.serverError(code, apiMessage);
    if ([502, 503, 504].includes(code)) return new TransientError(text, code, apiCode);
    if (kind === "generate") {
      // 500 and friends: the server may have created the task before failing.
      return code >= 500
        ? new UncertainSubmissionError(messages.uncertain(text), httpStatus, apiCode)
        : new ApiError(messages.unexpectedStatus(code, apiMessage), httpStatus, apiCode);
    }
    if (code >= 500 || code === 408) return new TransientError(text, code, apiCode);
    return new ApiError(messages.unexpectedStatus(code, apiMessage), httpStatus, apiCode);
  }
}

/** Creates a client for the HppyHorse 1.1 API (or the simulator). */
export function createClient(options: ClientOptions): HppyHorseClient {
  return new HttpClient(options);
}

/**
 * The result URL of a final status, or TaskFailedError (FAILED, or SUCCESS without a URL).
 * waitForResult resolves with the final status; callers that want an exception use this.
 */
export function requireResultUrl(status: TaskStatus): string {
  if (status.phase === "success" && status.resultUrl) return status.resultUrl;
  if (status.phase === "in_progress") {
    throw new TaskFailedError(`Task ${status.taskId} is still ${status.rawStatus}.`);
  }
  throw new TaskFailedError(
    status.rawStatus.toUpperCase() === "SUCCESS"
      ? messages.successWithoutUrl(status.taskId)
      : messages.taskFailed(status.taskId, status.errorMessage),
  );
}
