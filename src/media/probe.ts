/** Probing a clip with ffprobe's JSON output into a typed ClipInfo. */
import { statSync } from "node:fs";
import { ExitError } from "../errors.js";
import { captureOutput, lastErrorLines, locateBinary } from "./ffmpeg.js";
import * as messages from "./messages.js";

export interface Rational {
  num: number;
  den: number;
}

export interface VideoStreamInfo {
  codec: string;
  profile?: string;
  width: number;
  height: number;
  /** sample (pixel) aspect ratio; 1:1 when the file does not say */
  sar: Rational;
  pixFmt: string;
  frameRate: Rational;
  timeBase: Rational;
  /** seconds; from the stream, else frames / rate, else the container */
  durationSeconds: number;
  frames?: number;
  /** hash of the codec's extradata (SPS/PPS), when ffprobe reports it */
  extradataHash?: string;
}

export interface AudioStreamInfo {
  codec: string;
  sampleRate: number;
  channels: number;
  channelLayout: string;
  timeBase: Rational;
  durationSeconds: number;
  extradataHash?: string;
}

export interface ClipInfo {
  path: string;
  formatName: string;
  /** the container's duration in seconds */
  durationSeconds: number;
  bytes: number;
  video: VideoStreamInfo;
  /** undefined when the clip has no audio */
  audio?: AudioStreamInfo;
}

/** "24/1" → {24, 1}; "0/0", "N/A" or garbage → undefined. */
export function parseRational(text: unknown): Rational | undefined {
  if (typeof text !== "string") return undefined;
  const match = /^(\d+)[/:](\d+)$/.exec(text.trim());
  if (!match) return undefined;
  const num = Number(match[1]);
  const den = Number(match[2]);
  return num > 0 && den > 0 ? { num, den } : undefined;
}

export function rationalValue(r: Rational): number {
  return r.num / r.den;
}

export function sameRational(a: Rational, b: Rational): boolean {
  return a.num * b.den === b.num * a.den;
}

function positiveNumber(value: unknown): number | undefined {
  const n = typeof value === "string" ? Number(value) : typeof value === "number" ? value : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

type RawStream = Record<string, unknown> & { tags?: Record<string, string> };

/** Matroska keeps stream durations as a DURATION tag ("00:00:03.000000000"). */
function tagDuration(stream: RawStream): number | undefined {
  const tag = stream.tags?.DURATION ?? stream.tags?.duration;
  const match = typeof tag === "string" ? /^(\d+):(\d+):([\d.]+)$/.exec(tag) : null;
  if (!match) return undefined;
  return Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}

/** Turns ffprobe's JSON (-show_streams -show_format) into a ClipInfo, or undefined without video. */
export function clipInfoFromProbe(
  path: string,
  json: unknown,
  bytes: number,
): ClipInfo | undefined {
  const data = (json ?? {}) as { streams?: RawStream[]; format?: Record<string, unknown> };
  const streams = data.streams ?? [];
  const format = data.format ?? {};
  const containerDuration = positiveNumber(format.duration) ?? 0;
  const isCover = (s: RawStream) =>
    (s.disposition as Record<string, number> | undefined)?.attached_pic === 1;
  const v = streams.find((s) => s.codec_type === "video" && !isCover(s));
  if (!v) return undefined;
  const frameRate = parseRational(v.avg_frame_rate) ??
    parseRational(v.r_frame_rate) ?? { num: 25, den: 1 };
  const frames = positiveNumber(v.nb_frames);
  const videoDuration =
    positiveNumber(v.duration) ??
    tagDuration(v) ??
    (frames ? frames / rationalValue(frameRate) : undefined) ??
    containerDuration;
  const video: VideoStreamInfo = {
    codec: String(v.codec_name ?? "unknown"),
    profile: typeof v.profile === "string" ? v.profile : undefined,
    width: Number(v.width ?? 0),
    height: Number(v.height ?? 0),
    sar: parseRational(v.sample_aspect_ratio) ?? { num: 1, den: 1 },
    pixFmt: String(v.pix_fmt ?? "unknown"),
    frameRate,
    timeBase: parseRational(v.time_base) ?? { num: 1, den: 1000 },
    durationSeconds: videoDuration,
    frames,
    extradataHash: typeof v.extradata_hash === "string" ? v.extradata_hash : undefined,
  };
  const a = streams.find((s) => s.codec_type === "audio");
  const audio: AudioStreamInfo | undefined = a
    ? {
        codec: String(a.codec_name ?? "unknown"),
        sampleRate: Number(a.sample_rate ?? 0),
        channels: Number(a.channels ?? 0),
        channelLayout: String(a.channel_layout ?? `${String(a.channels ?? "?")} channels`),
        timeBase: parseRational(a.time_base) ?? { num: 1, den: 1000 },
        durationSeconds: positiveNumber(a.duration) ?? tagDuration(a) ?? containerDuration,
        extradataHash: typeof a.extradata_hash === "string" ? a.extradata_hash : undefined,
      }
    : undefined;
  return {
    path,
    formatName: String(format.format_name ?? "unknown"),
    durationSeconds: containerDuration || videoDuration,
    bytes,
    video,
    audio,
  };
}

export interface ProbeOptions {
  ffprobePath?: string;
  signal?: AbortSignal;
}

const FFPROBE_ARGS = ["-v", "error", "-print_format", "json", "-show_streams", "-show_format"];

/** Probes a media file. Throws an ExitError quoting ffprobe when it cannot be read. */
export async function probe(path: string, options: ProbeOptions = {}): Promise<ClipInfo> {
  const ffprobe = options.ffprobePath ?? locateBinary("ffprobe").path;
  let output: string;
  try {
    // -show_data_hash adds extradata_hash (SPS/PPS) where ffprobe knows it; older ones ignore it.
    output = await captureOutput(ffprobe, [...FFPROBE_ARGS, "-show_data_hash", "sha256", path], {
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof ExitError && error.exitCode === 130) throw error;
    const detail = error instanceof Error ? lastErrorLines(error.message, 3) : String(error);
    throw new ExitError(messages.probeFailed(path, detail));
  }
  const bytes = statSync(path).size;
  const info = clipInfoFromProbe(path, JSON.parse(output), bytes);
  if (!info) throw new ExitError(messages.probeFailed(path, "no video stream"));
  return info;
}
