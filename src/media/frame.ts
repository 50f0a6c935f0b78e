/** Poster frames: one PNG from a clip at a given time (for the HTML contact sheet). */
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { locateBinary, runFfmpeg } from "./ffmpeg.js";

export interface FrameOptions {
  /** output width in pixels; the height follows the aspect (even) */
  width?: number;
  ffmpegPath?: string;
  signal?: AbortSignal;
}

/** Writes the frame at `atSeconds` of `clipPath` to `destPng` (temp file, then rename). */
export async function extractFrame(
  clipPath: string,
  atSeconds: number,
  destPng: string,
  options: FrameOptions = {},
): Promise<void> {
  await mkdir(dirname(destPng), { recursive: true });
  const partial = join(
    dirname(destPng),
    `.${basename(destPng)}.${randomBytes(4).toString("hex")}.partial`,
  );
  const scale = options.width ? ["-vf", `scale=${Math.round(options.width)}:-2`] : [];
  try {
    // -ss before -i seeks by keyframe then decodes to the exact time: fast and exact.
    await runFfmpeg(
      ["-ss", Math.max(0, atSeconds).toFixed(3), "-i", clipPath, "-frames:v", "1", ...scale].concat(
        ["-f", "image2", "-c:v", "png", "-y", partial],
      ),
      { ffmpegPath: options.ffmpegPath ?? locateBinary("ffmpeg").path, signal: options.signal },
    );
    await rename(partial, destPng);
  } finally {
    await rm(partial, { force: true });
  }
}
