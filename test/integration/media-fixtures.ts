import { captureOutput, locateBinary, runFfmpeg } from "../../src/media/index.js";
import type { AspectRatio, GenerateRequest, Resolution } from "../../src/types.js";

type RenderClip = (
  request: GenerateRequest,
  destPath: string,
  options?: { audio?: boolean },
) => Promise<void>;

/** The simulator's renderClip, from its barrel once exported there, else from its module. */
async function loadRenderClip(): Promise<RenderClip> {
  const specifiers = ["../../src/simulator/index.js", "../../src/simulator/render.js"];
  for (const specifier of specifiers) {
    const module = (await import(specifier).catch(() => ({}))) as { renderClip?: RenderClip };
    if (module.renderClip) return module.renderClip;
  }
  throw new Error("src/simulator exports no renderClip");
}

export async function simulatedClip(
  dest: string,
  spec: {
    resolution: Resolution;
    aspect: AspectRatio;
    seconds: number;
    audio: boolean;
    prompt?: string;
  },
): Promise<string> {
  const renderClip = await loadRenderClip();
  await renderClip(
    {
      model: "happyhorse-1-1/text-to-video",
      prompt: spec.prompt ?? `a horse at ${spec.resolution} ${spec.aspect}`,
      duration: spec.seconds,
      resolution: spec.resolution,
      aspect_ratio: spec.aspect,
    },
    dest,
    { audio: spec.audio },
  );
  return dest;
}

export interface ToneClipSpec {
  width: number;
  height: number;
  seconds: number;
  fps?: number;
  /** a solid colour (ffmpeg colour name) */
  color: string;
  /** sine frequency in Hz; none = no audio track */
  tone?: number;
}

/** A solid-colour clip with an optional sine tone, at a small size. */
export async function toneClip(dest: string, spec: ToneClipSpec): Promise<string> {
  const fps = spec.fps ?? 24;
  const inputs = [
    "-f",
    "lavfi",
    "-i",
    `color=c=${spec.color}:s=${spec.width}x${spec.height}:r=${fps}:d=${spec.seconds}`,
  ];
  if (spec.tone) {
    inputs.push(
      "-f",
      "lavfi",
      "-i",
      `sine=frequency=${spec.tone}:sample_rate=48000:duration=${spec.seconds}`,
    );
  }
  await runFfmpeg([
    ...inputs,
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-pix_fmt",
    "yuv420p",
    ...(spec.tone ? ["-c:a", "aac", "-ac", "2"] : []),
    "-y",
    dest,
  ]);
  return dest;
}

/** Per-packet size + hash of the raw data of one stream (ffprobe, no decoding). */
export async function packetHashes(path: string, stream: "v" | "a"): Promise<string[]> {
  const out = await captureOutput(locateBinary("ffprobe").path, [
    "-v",
    "error",
    "-select_streams",
    `${stream}:0`,
    "-show_data_hash",
    "MD5",
    "-show_entries",
    "packet=size,data_hash",
    "-of",
    "csv=p=0",
    path,
  ]);
  // A packet with side data (AAC priming) prints extra fields: keep size and hash only.
  return out
    .split("\n")
    .filter((line) => line.includes("MD5:"))
    .map((line) => line.split(",").slice(0, 2).join(","));
}

/** Mean volume (dBFS) of the audio between `start` and `start + seconds`. */
export async function meanVolume(path: string, start: number, seconds: number): Promise<number> {
  const { stderr } = await runFfmpeg([
    "-ss",
    String(start),
    "-t",
    String(seconds),
    "-i",
    path,
    "-map",
    "0:a:0",
    "-af",
    "volumedetect",
    "-f",
    "null",
    "-",
  ]);
  const match = /mean_volume:\s*(-?[\d.]+|-inf) dB/.exec(stderr);
  if (!match?.[1]) throw new Error(`no volumedetect output:\n${stderr.slice(-500)}`);
  return match[1] === "-inf" ? Number.NEGATIVE_INFINITY : Number(match[1]);
}

/** Average Y, U, V of the frame at `at` seconds, in an optional crop (x, y, w, h as ffmpeg exprs). */
export async function frameColour(
  path: string,
  at: number,
  crop = "iw:ih:0:0",
): Promise<{ y: number; u: number; v: number }> {
  const { stderr } = await runFfmpeg([
    "-ss",
    String(at),
    "-i",
    path,
    "-frames:v",
    "1",
    "-vf",
    `crop=${crop},signalstats,metadata=mode=print`,
    "-f",
    "null",
    "-",
  ]);
  const read = (key: string) => {
    const match = new RegExp(`lavfi\\.signalstats\\.${key}=([\\d.]+)`).exec(stderr);
    if (!match?.[1]) throw new Error(`no signalstats ${key}:\n${stderr.slice(-500)}`);
    return Number(match[1]);
  };
  return { y: read("YAVG"), u: read("UAVG"), v: read("VAVG") };
}

/** Audio packets are back to back: no gap or overlap over 1 ms anywhere. */
export async function audioGaps(path: string): Promise<number[]> {
  const out = await captureOutput(locateBinary("ffprobe").path, [
    "-v",
    "error",
    "-select_streams",
    "a:0",
    "-show_entries",
    "packet=pts_time,duration_time",
    "-of",
    "json",
    path,
  ]);
  const packets = (JSON.parse(out) as { packets: { pts_time: string; duration_time: string }[] })
    .packets;
  const gaps: number[] = [];
  for (let i = 1; i < packets.length; i++) {
    const previous = packets[i - 1]!;
    const expected = Number(previous.pts_time) + Number(previous.duration_time);
    const gap = Number(packets[i]!.pts_time) - expected;
    if (Math.abs(gap) > 0.001) gaps.push(Number(packets[i]!.pts_time));
  }
  return gaps;
}
