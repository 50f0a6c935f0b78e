/**
 * Local images → URLs, all before anything is submitted: every image a paid submission needs
 * is checked, uploaded (or found in the lock's `uploads:` cache by content hash) and only then
 * may the runner POST. Any failure stops the run with every problem listed (exit 2).
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import pLimit from "p-limit";
import { InputError } from "../errors.js";
import type { ResolvedShot, Storyboard } from "../types.js";
import { type LocalImage, runUploadCommand } from "./command.js";
import * as say from "./messages.js";

export interface Uploader {
  /** "command": the storyboard's `upload:`; "simulator": --simulate */
  kind: "command" | "simulator";
  /** whether URLs outlive this process and may be cached in the lockfile */
  cacheable: boolean;
  upload(image: LocalImage, signal?: AbortSignal): Promise<string>;
}

export interface ChooseUploaderOptions {
  /** --simulate: uploads to the in-process simulator (its URLs die with the process) */
  simulated?: (absPath: string, sha256: string) => Promise<string>;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * The uploader for a storyboard: the simulator under --simulate (no command is run), else the
 * storyboard's `upload:` command, else none.
 */
export function chooseUploader(
  storyboard: Pick<Storyboard, "upload" | "dir">,
  options: ChooseUploaderOptions = {},
): Uploader | undefined {
  const simulated = options.simulated;
  if (simulated) {
    return {
      kind: "simulator",
      cacheable: false,
      upload: (image) =>
        simulated(image.absPath, image.sha256).catch((error: unknown) => {
          throw new Error(say.simulatorUploadFailed(image.path, (error as Error).message));
        }),
    };
  }
  const command = storyboard.upload?.command;
  if (!command || command.length === 0) return undefined;
  return {
    kind: "command",
    cacheable: true,
    upload: (image, signal) =>
      runUploadCommand(command, image, {
        cwd: storyboard.dir,
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.env ? { env: options.env } : {}),
        ...(signal ? { signal } : {}),
      }),
  };
}

/** The distinct local images (by content hash) of some shots, in storyboard order. */
export function localImagesOf(shots: readonly ResolvedShot[]): LocalImage[] {
  const seen = new Map<string, LocalImage>();
  for (const shot of shots) {
    for (const image of shot.images) {
      if (image.kind !== "file" || seen.has(image.sha256)) continue;
      seen.set(image.sha256, { path: image.path, absPath: image.absPath, sha256: image.sha256 });
    }
  }
  return [...seen.values()];
}

/** Throws the "add an upload: command" InputError when images need uploading and nothing can. */
export function requireUploader(
  images: readonly LocalImage[],
  uploader: Uploader | undefined,
): asserts uploader is Uploader {
  if (images.length > 0 && !uploader) {
    throw new InputError(say.noUploadCommand(images.map((i) => i.path)));
  }
}

/** The lock's `uploads:` map, seen by the uploader. */
export interface UploadCache {
  lookup(sha256: string): string | undefined;
  /** durable when it resolves (the lock session's journal) */
  remember(sha256: string, url: string, uploadedAt: string): Promise<void>;
}

export interface UploadLocalImagesOptions {
  uploader: Uploader;
  /** used only when the uploader is cacheable */
  cache?: UploadCache;
  /** ignore cached URLs (upload again, cache the new ones) */
  refresh?: boolean;
  concurrency?: number;
  now?: () => Date;
  signal?: AbortSignal;
  onUpload?: (event: { image: LocalImage; url: string; cached: boolean }) => void;
}

async function checkFile(image: LocalImage): Promise<void> {
  let bytes: Buffer;
  try {
    bytes = await readFile(image.absPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === "ENOENT"
        ? say.fileMissing(image.path)
        : say.fileUnreadable(image.path, (error as Error).message),
    );
  }
  // The fingerprint holds the hash read when the storyboard was loaded; upload that content only.
  if (createHash("sha256").update(bytes).digest("hex") !== image.sha256) {
    throw new Error(say.fileChanged(image.path));
  }
}

/**
 * Uploads every image that has no cached URL; returns sha256 → URL for all of them.
 * Successful uploads are cached even when others fail; any failure throws one InputError
 * listing every problem, before the caller submits anything.
 */
export async function uploadLocalImages(
  images: readonly LocalImage[],
  options: UploadLocalImagesOptions,
): Promise<Map<string, string>> {
  const { uploader } = options;
  const cache = uploader.cacheable ? options.cache : undefined;
  const now = options.now ?? (() => new Date());
  const limit = pLimit(Math.max(1, options.concurrency ?? 4));
  const urls = new Map<string, string>();
  const settled = await Promise.allSettled(
    images.map((image) =>
      limit(async () => {
        const cached = options.refresh ? undefined : cache?.lookup(image.sha256);
        if (cached) {
          urls.set(image.sha256, cached);
          options.onUpload?.({ image, url: cached, cached: true });
          return;
        }
        options.signal?.throwIfAborted();
        await checkFile(image);
        const url = await uploader.upload(image, options.signal);
        await cache?.remember(image.sha256, url, now().toISOString());
        urls.set(image.sha256, url);
        options.onUpload?.({ image, url, cached: false });
      }),
    ),
  );
  const problems = settled
    .filter((s): s is PromiseRejectedResult => s.status === "rejected")
    .map((s) => (s.reason instanceof Error ? s.reason.message : String(s.reason)));
  if (problems.length > 0) {
    options.signal?.throwIfAborted();
    throw new InputError(say.uploadsFailed(problems));
  }
  return urls;
}
