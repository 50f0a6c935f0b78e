/**
 * Streamed, verified download of a result video: written to a temporary file beside the
 * destination while its sha256 and size are computed, checked against Content-Length and for
 * an MP4 `ftyp` box, fsynced, then renamed into place. A short or corrupt body is discarded and
 * fetched again. The API key is never sent to a result URL (it may be a third-party CDN).
 */
import { createHash, randomBytes } from "node:crypto";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { DownloadError } from "../errors.js";
import { messages } from "./messages.js";
import type { DownloadResult } from "./types.js";

export interface DownloadOptions {
  signal?: AbortSignal;
  attempts: number;
  /** abort when no byte arrives for this long (also bounds the wait for response headers) */
  stallTimeoutMs: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  backoff: (attempt: number) => number;
}

/** A failure worth another attempt (short body, network error, 5xx). */
class RetryableDownload extends Error {}

function isHttpUrl(url: string): boolean {
  try {
    const protocol = new URL(url).protocol;
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

export async function downloadFile(
  url: string,
  destPath: string,
  options: DownloadOptions,
): Promise<DownloadResult> {
  if (!isHttpUrl(url)) throw new DownloadError(messages.downloadNotHttp(url));
  let lastReason = "";
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await downloadOnce(url, destPath, options);
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (!(error instanceof RetryableDownload)) throw error;
      lastReason = error.message;
      if (attempt < options.attempts) await options.sleep(options.backoff(attempt), options.signal);
    }
  }
  throw new DownloadError(messages.downloadFailed(url, options.attempts, lastReason));
}

async function downloadOnce(
  url: string,
  destPath: string,
  options: DownloadOptions,
): Promise<DownloadResult> {
  const stall = new AbortController();
  let stallTimer: NodeJS.Timeout | undefined;
  const armStall = () => {
    clearTimeout(stallTimer);
    stallTimer = setTimeout(
      () => stall.abort(new RetryableDownload(messages.downloadStalled(options.stallTimeoutMs))),
      options.stallTimeoutMs,
    );
  };
  const signal = options.signal ? AbortSignal.any([options.signal, stall.signal]) : stall.signal;
  const tempPath = join(
    dirname(destPath),
    `.${basename(destPath)}.${randomBytes(4).toString("hex")}.part`,
  );
  let renamed = false;
  armStall();
  try {
    let response: Response;
    try {
      response = await fetch(url, {
        signal,
        headers: { "accept-encoding": "identity" },
      });
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw new RetryableDownload(reasonOf(error, stall.signal));
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => {});
      const reason = messages.downloadHttp(response.status);
      // 5xx, 429 and 408 may pass; other 4xx (expired or missing file) will not.
      if (response.status >= 500 || response.status === 429 || response.status === 408) {
        throw new RetryableDownload(reason);
      }
      throw new DownloadError(messages.downloadFailed(url, 1, reason), response.status);
    }
    const encoding = response.headers.get("content-encoding");
    const lengthHeader = response.headers.get("content-length");
    const expected =
      lengthHeader !== null && (!encoding || encoding === "identity")
        ? Number(lengthHeader)
        : undefined;
    const hash = createHash("sha256");
    const head = Buffer.alloc(8);
    let bytes = 0;
    const file = await open(tempPath, "w");
    try {
      try {
        for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
          armStall();
          if (bytes < 8) Buffer.from(chunk.subarray(0, 8 - bytes)).copy(head, bytes);
          hash.update(chunk);
          bytes += chunk.byteLength;
          let offset = 0;
          while (offset < chunk.byteLength) {
            const { bytesWritten } = await file.write(chunk, offset);
            offset += bytesWritten;
          }
        }
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        const cause = reasonOf(error, stall.signal);
        throw new RetryableDownload(
          expected !== undefined && bytes < expected
            ? `${messages.downloadShort(bytes, expected)} (${cause})`
            : cause,
        );
      }
      clearTimeout(stallTimer);
      if (expected !== undefined && Number.isFinite(expected) && bytes !== expected) {
        throw new RetryableDownload(messages.downloadShort(bytes, expected));
      }
      if (bytes === 0) throw new RetryableDownload(messages.downloadEmpty);
      if (bytes < 8 || head.subarray(4, 8).toString("latin1") !== "ftyp") {
        throw new RetryableDownload(messages.downloadNotMp4);
      }
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tempPath, destPath);
    renamed = true;
    await syncDirectory(dirname(destPath));
    return { path: destPath, bytes, sha256: hash.digest("hex") };
  } finally {
    clearTimeout(stallTimer);
    if (!renamed) await unlink(tempPath).catch(() => {});
  }
}

function reasonOf(error: unknown, stall: AbortSignal): string {
  if (stall.aborted && stall.reason instanceof Error) return stall.reason.message;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const text = error instanceof Error ? error.message : String(error);
  return [cause?.code, cause?.message ?? text].filter(Boolean).join(": ");
}

/** Makes the rename durable; some platforms cannot open a directory, which is fine. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}
