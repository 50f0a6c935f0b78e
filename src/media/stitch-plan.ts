/**
 * Pure decisions of stitching: copy or normalise, the target format, and the one ffmpeg
 * filter graph that normalises every clip and joins them (concat, or crossfades with
 * `xfade` or, where ffmpeg lacks it, split/trim + `blend`). No I/O here, so all of it is
 * unit-tested without ffmpeg.
 */
import type { StitchConfig } from "../types.js";
import * as messages from "./messages.js";
import type { ClipInfo, Rational } from "./probe.js";
import { rationalValue, sameRational } from "./probe.js";

export const AUDIO_RATE = 48_000;

export interface Target {
  width: number;
  height: number;
  fps: Rational;
}

/** Why the copy path cannot be used, or undefined when it can. */
export function copyBlocker(clips: ClipInfo[], config: StitchConfig): string | undefined {
  const first = clips[0];
  if (!first) return "no clips";
  if (config.transition !== "none") return "a transition is asked for";
  if (config.audio !== "keep") return "the audio is replaced or muted";
  const v0 = first.video;
  if (config.size && (config.size.width !== v0.width || config.size.height !== v0.height)) {
    return "stitch.size differs from the clips";
  }
  if (config.fps !== undefined && Math.abs(config.fps - rationalValue(v0.frameRate)) > 1e-3) {
    return "stitch.fps differs from the clips";
  }
  for (const clip of clips.slice(1)) {
    const v = clip.video;
    const differs = (what: string) => `${clip.path} differs from ${first.path} in ${what}`;
    if (v.codec !== v0.codec || v.profile !== v0.profile) return differs("video codec");
    if (v.width !== v0.width || v.height !== v0.height) return differs("size");
    if (!sameRational(v.sar, v0.sar)) return differs("pixel aspect ratio");
    if (v.pixFmt !== v0.pixFmt) return differs("pixel format");
    if (!sameRational(v.frameRate, v0.frameRate)) return differs("frame rate");
    if (!sameRational(v.timeBase, v0.timeBase)) return differs("timebase");
    if (v.extradataHash && v0.extradataHash && v.extradataHash !== v0.extradataHash) {
      return differs("codec parameters (SPS/PPS)");
    }
    const a = clip.audio;
    const a0 = first.audio;
    if (!a !== !a0) return differs("having audio");
    if (a && a0) {
      if (
        a.codec !== a0.codec ||
        a.sampleRate !== a0.sampleRate ||
        a.channels !== a0.channels ||
        a.channelLayout !== a0.channelLayout ||
        !sameRational(a.timeBase, a0.timeBase) ||
        (a.extradataHash && a0.extradataHash && a.extradataHash !== a0.extradataHash)
      ) {
        return differs("audio format");
      }
    }
  }
  return undefined;
}

/** A frame rate from the storyboard (24, 29.97) as a rational ffmpeg accepts exactly. */
export function fpsRational(fps: number): Rational {
  if (Number.isInteger(fps)) return { num: fps, den: 1 };
  for (const base of [24, 30, 60, 120]) {
    if (Math.abs(fps - (base * 1000) / 1001) < 0.01) return { num: base * 1000, den: 1001 };
  }
  return { num: Math.round(fps * 1000), den: 1000 };
}

/** Display size of a clip (square pixels), rounded to even numbers. */
export function displaySize(clip: ClipInfo): { width: number; height: number } {
  const sar = rationalValue(clip.video.sar);
  return { width: even(clip.video.width * sar), height: even(clip.video.height) };
}

function even(n: number): number {
  return Math.max(2, Math.round(n / 2) * 2);
}

export function targetFor(clips: ClipInfo[], config: StitchConfig): Target {
  const first = clips[0];
  if (!first) throw new Error("targetFor needs at least one clip");
  const size = config.size
    ? { width: even(config.size.width), height: even(config.size.height) }
    : displaySize(first);
  const fps = config.fps !== undefined ? fpsRational(config.fps) : first.video.frameRate;
  return { ...size, fps };
}

/** Frames a clip has at the target rate: its video duration, rounded to whole frames. */
export function framesAt(clip: ClipInfo, fps: Rational): number {
  return Math.max(1, Math.round(clip.video.durationSeconds * rationalValue(fps)));
}

/** Audio samples for a number of frames at the target rate (48 kHz). */
export function samplesFor(frames: number, fps: Rational): number {
  return Math.round((frames * fps.den * AUDIO_RATE) / fps.num);
}

/** Letterbox/pillarbox: the largest even size with the clip's aspect that fits the target. */
export function fitInside(
  source: { width: number; height: number },
  target: { width: number; height: number },
): { width: number; height: number; x: number; y: number } {
  const scale = Math.min(target.width / source.width, target.height / source.height);
  const width = Math.min(target.width, even(source.width * scale));
  const height = Math.min(target.height, even(source.height * scale));
  return {
    width,
    height,
    x: Math.floor((target.width - width) / 4) * 2,
    y: Math.floor((target.height - height) / 4) * 2,
  };
}

export type CrossfadeImpl = "xfade" | "blend";

export interface GraphInput {
  id: string;
  clip: ClipInfo;
}

export interface FilmGraph {
  /** the -filter_complex text; outputs [vout] and [aout] */
  graph: string;
  /** input files in -i order (clips, then the soundtrack if any) */
  inputs: string[];
  /** frames of the finished film */
  frames: number;
  /** expected duration of the film, seconds */
  durationSeconds: number;
}

const num = (n: number) => Number(n.toFixed(6)).toString();
const rate = (r: Rational) => `${r.num}/${r.den}`;

/** The video chain normalising one input to the target, ending with exactly `frames` frames. */
function videoChain(index: number, clip: ClipInfo, target: Target, frames: number): string {
  const steps = ["setpts=PTS-STARTPTS"];
  const shown = displaySize(clip);
  const fit = fitInside(shown, target);
  const needsScale =
    clip.video.width !== fit.width ||
    clip.video.height !== fit.height ||
    !sameRational(clip.video.sar, { num: 1, den: 1 });
  if (needsScale) steps.push(`scale=${fit.width}:${fit.height}`);
  steps.push("setsar=1");
  if (fit.width !== target.width || fit.height !== target.height) {
    steps.push(`pad=${target.width}:${target.height}:${fit.x}:${fit.y}:color=black`);
  }
  // fps may leave one frame short of the rounded count: clone the last frame, then cut
  // exactly, so video and audio lengths are known before encoding (no drift).
  steps.push(
    `fps=fps=${rate(target.fps)}`,
    "format=yuv420p",
    "tpad=stop_mode=clone:stop=2",
    `trim=end_frame=${frames}`,
    "setpts=PTS-STARTPTS",
  );
  return `[${index}:v:0]${steps.join(",")}[v${index}]`;
}

const AFORMAT = `aformat=sample_fmts=fltp:sample_rates=${AUDIO_RATE}:channel_layouts=stereo`;

/** The audio chain: the clip's audio (or silence) trimmed/padded to exactly `samples`. */
function audioChain(index: number, clip: ClipInfo, samples: number): string {
  if (!clip.audio) {
    return `anullsrc=r=${AUDIO_RATE}:cl=stereo,atrim=end_sample=${samples},${AFORMAT}[a${index}]`;
  }
  return (
    `[${index}:a:0]asetpts=PTS-STARTPTS,aresample=${AUDIO_RATE},${AFORMAT},` +
    `apad,atrim=end_sample=${samples},asetpts=PTS-STARTPTS[a${index}]`
  );
}

export interface GraphOptions {
  config: StitchConfig;
  target: Target;
  crossfade: CrossfadeImpl;
}

/**
 * One graph for the whole film: every clip normalised once, joined, audio mixed.
 * Throws an ExitError-worthy message (via messages) when a transition is too long.
 */
export function buildFilmGraph(clips: GraphInput[], options: GraphOptions): FilmGraph {
  const { config, target } = options;
  const n = clips.length;
  const frames = clips.map(({ clip }) => framesAt(clip, target.fps));
  const crossfading = config.transition === "crossfade" && n > 1;
  const k = crossfading
    ? Math.max(1, Math.round(config.transitionDuration * rationalValue(target.fps)))
    : 0;
  if (crossfading) {
    clips.forEach(({ id, clip }, i) => {
      const sides = (i > 0 ? 1 : 0) + (i < n - 1 ? 1 : 0);
      if ((frames[i] ?? 0) <= sides * k) {
        throw new TransitionTooLongError(
          messages.transitionTooLong(id, clip.video.durationSeconds, config.transitionDuration),
        );
      }
    });
  }
  const parts: string[] = [];
  clips.forEach(({ clip }, i) => {
    parts.push(videoChain(i, clip, target, frames[i] ?? 1));
  });
  const keepClipAudio = config.audio !== "mute";
  if (keepClipAudio) {
    clips.forEach(({ clip }, i) => {
      parts.push(audioChain(i, clip, samplesFor(frames[i] ?? 1, target.fps)));
    });
  }
  const totalFrames = frames.reduce((sum, f) => sum + f, 0) - (n - 1) * k;
  const totalSamples = samplesFor(totalFrames, target.fps);

  // Video join.
  if (!crossfading) {
    parts.push(`${clips.map((_, i) => `[v${i}]`).join("")}concat=n=${n}:v=1:a=0[vjoin]`);
  } else if (options.crossfade === "xfade") {
    let previous = "v0";
    let offsetFrames = 0;
    for (let i = 1; i < n; i++) {
      offsetFrames += (frames[i - 1] ?? 0) - k;
      const out = i === n - 1 ? "vjoin" : `vx${i}`;
      const offset = (offsetFrames * target.fps.den) / target.fps.num;
      const duration = (k * target.fps.den) / target.fps.num;
      parts.push(
        `[${previous}][v${i}]xfade=transition=fade:duration=${num(duration)}:offset=${num(offset)}[${out}]`,
      );
      previous = out;
    }
  } else {
    // ffmpeg without xfade (the bundled 4.1): cut each clip into head | body | tail by
    // frame count, blend each tail with the next head frame by frame, concat the pieces.
    const seconds = (k * target.fps.den) / target.fps.num;
    const pieces: string[] = [];
    for (let i = 0; i < n; i++) {
      const f = frames[i] ?? 1;
      const hasHead = i > 0;
      const hasTail = i < n - 1;
      const outs = [hasHead ? `[h${i}]` : "", `[b${i}]`, hasTail ? `[t${i}]` : ""].join("");
      const count = 1 + (hasHead ? 1 : 0) + (hasTail ? 1 : 0);
      parts.push(`[v${i}]split=${count}${outs}`);
      if (hasHead) parts.push(`[h${i}]trim=end_frame=${k},setpts=PTS-STARTPTS[hh${i}]`);
      const bodyStart = hasHead ? k : 0;
      const bodyEnd = hasTail ? f - k : f;
      parts.push(
        `[b${i}]trim=start_frame=${bodyStart}:end_frame=${bodyEnd},setpts=PTS-STARTPTS[bb${i}]`,
      );
      if (hasTail) parts.push(`[t${i}]trim=start_frame=${f - k},setpts=PTS-STARTPTS[tt${i}]`);
      if (hasHead) {
        parts.push(
          `[tt${i - 1}][hh${i}]blend=all_expr='A*(1-T/${num(seconds)})+B*(T/${num(seconds)})':shortest=1,setpts=PTS-STARTPTS[x${i}]`,
        );
        pieces.push(`[x${i}]`);
      }
      pieces.push(`[bb${i}]`);
    }
    parts.push(`${pieces.join("")}concat=n=${pieces.length}:v=1:a=0[vjoin]`);
  }
  parts.push(`[vjoin]setpts=PTS-STARTPTS[vout]`);

  // Audio join: the clips' audio overlaps by the same k frames (in samples) as the video.
  let filmAudio: string;
  if (!keepClipAudio) {
    parts.push(
      `anullsrc=r=${AUDIO_RATE}:cl=stereo,atrim=end_sample=${totalSamples},${AFORMAT}[afilm]`,
    );
    filmAudio = "afilm";
  } else if (!crossfading) {
    parts.push(`${clips.map((_, i) => `[a${i}]`).join("")}concat=n=${n}:v=0:a=1[afilm]`);
    filmAudio = "afilm";
  } else {
    const overlap = samplesFor(k, target.fps);
    let previous = "a0";
    for (let i = 1; i < n; i++) {
      const out = `ax${i}`;
      parts.push(`[${previous}][a${i}]acrossfade=ns=${overlap}:c1=tri:c2=tri[${out}]`);
      previous = out;
    }
    filmAudio = previous;
  }
  const inputs = clips.map(({ clip }) => clip.path);
  if (typeof config.audio === "object") {
    // Soundtrack: at audio_volume, padded with silence or cut to the film's length, summed
    // with the clips' audio (amerge + pan adds the channels without amix's 1/n scaling).
    const s = n;
    inputs.push(config.audio.soundtrack);
    parts.push(
      `[${s}:a:0]aresample=${AUDIO_RATE},${AFORMAT},volume=${num(config.audioVolume)},` +
        `apad,atrim=end_sample=${totalSamples}[st]`,
      `[${filmAudio}][st]amerge=inputs=2,pan=stereo|c0=c0+c2|c1=c1+c3,${AFORMAT},` +
        `atrim=end_sample=${totalSamples}[aout]`,
    );
  } else {
    parts.push(`[${filmAudio}]atrim=end_sample=${totalSamples},asetpts=PTS-STARTPTS[aout]`);
  }
  return {
    graph: parts.join(";\n"),
    inputs,
    frames: totalFrames,
    durationSeconds: (totalFrames * target.fps.den) / target.fps.num,
  };
}

export class TransitionTooLongError extends Error {
  override name = "TransitionTooLongError";
}

/** A line of a concat demuxer list: `file '<path>'` with quotes escaped ('\'' idiom). */
export function concatListLine(path: string): string {
  return `file '${path.replaceAll("'", "'\\''")}'`;
}

export function concatList(paths: string[]): string {
  return `ffconcat version 1.0\n${paths.map(concatListLine).join("\n")}\n`;
}
