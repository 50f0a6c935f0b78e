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

/**
 * The packets of one stream of a clip, in seconds: where the first starts, where the last
 * ends, how many, and the length of one (when they all share it; audio codecs like AAC do).
 */
export interface StreamPackets {
  start: number;
  end: number;
  count: number;
  /** the length of every packet but the last, when they are all alike */
  packetSeconds?: number;
}

export interface CopySource {
  path: string;
  video: StreamPackets;
  audio?: StreamPackets;
}

export interface CopyPlan {
  /** ffconcat list for the video: each clip lasts exactly its video */
  videoList: string;
  /** ffconcat list for the audio (undefined without audio): whole audio packets per clip */
  audioList?: string;
  /** audio packets taken from each clip (the leading ones) */
  audioPackets: number[];
  /** where each clip's video starts in the film, seconds from the film's first video packet */
  videoStarts: number[];
  /** how far each clip's audio sits from its video in the film, compared with the clip (s) */
  audioShifts: number[];
  /** the film's video length: the sum of the clips' video lengths */
  videoSeconds: number;
  /** the film's audio length (whole packets) */
  audioSeconds: number;
}

/** Timestamps that differ by less than this are the same (ffmpeg rounds to microseconds). */
const SAME_TIME = 0.001;

const seconds9 = (n: number) => Number(n.toFixed(9)).toString();

/**
 * Plans a stream-copy join that keeps audio on the video's clock. The concat demuxer puts the
 * next clip where the previous one's longest stream ended; an AAC track carries an encoder
 * priming packet before zero and a padded last packet, so plain concatenation pushes every
 * later clip (and its sound) a little later and plays extra samples at each join — drift
 * that grows with the clip count. Instead the video goes through one list whose entries
 * last exactly each clip's video, and the audio through a second list that takes, from
 * each clip, the whole leading packets that keep the film's audio within half a packet of
 * its video (error diffusion: a clip gives up, or keeps, its last partial packet so the
 * rounding never accumulates). Every packet that is kept is copied byte for byte.
 * Returns a reason instead when the clips cannot be copied so (normalise them then).
 */
export function planCopyJoin(sources: CopySource[]): CopyPlan | { blocker: string } {
  const first = sources[0];
  if (!first) return { blocker: "no clips" };
  const a0 = first.audio;
  for (const source of sources) {
    if (Math.abs(source.video.start - first.video.start) > SAME_TIME) {
      return { blocker: `${source.path} starts its video at a different time than ${first.path}` };
    }
    if (!source.audio !== !a0) return { blocker: `${source.path} differs in having audio` };
    const a = source.audio;
    if (!a || !a0) continue;
    if (a.packetSeconds === undefined || a0.packetSeconds === undefined) {
      return { blocker: `${source.path} has audio packets of varying length` };
    }
    if (Math.abs(a.packetSeconds - a0.packetSeconds) > 1e-6) {
      return { blocker: `${source.path} has audio packets of another length` };
    }
    if (Math.abs(a.start - a0.start) > SAME_TIME) {
      return { blocker: `${source.path} starts its audio at a different time than ${first.path}` };
    }
  }
  const videoStarts: number[] = [];
  let videoSeconds = 0;
  let videoList = "ffconcat version 1.0\n";
  for (const source of sources) {
    videoStarts.push(videoSeconds);
    const length = source.video.end - source.video.start;
    videoSeconds += length;
    videoList += `${concatListLine(source.path)}\nduration ${seconds9(length)}\n`;
  }
  if (!a0) {
    return {
      videoList,
      audioPackets: [],
      videoStarts,
      audioShifts: [],
      videoSeconds,
      audioSeconds: 0,
    };
  }
  const packet = a0.packetSeconds ?? 0;
  const audioPackets: number[] = [];
  const audioShifts: number[] = [];
  let audioSeconds = 0;
  let audioList = "ffconcat version 1.0\n";
  for (const [i, source] of sources.entries()) {
    const a = source.audio!;
    audioShifts.push(audioSeconds - (videoStarts[i] ?? 0));
    const videoEnd = (videoStarts[i] ?? 0) + (source.video.end - source.video.start);
    const wanted = Math.round((videoEnd - audioSeconds) / packet);
    if (wanted > a.count) {
      const short = (wanted - a.count) * packet;
      return {
        blocker: `${source.path} has ${Math.round(short * 1000)} ms less audio than video`,
      };
    }
    const count = Math.max(1, wanted);
    audioPackets.push(count);
    audioSeconds += count * packet;
    audioList += `${concatListLine(source.path)}\nduration ${seconds9(count * packet)}\n`;
    if (count < a.count) {
      // The demuxer stops at the first packet at or past the outpoint: half a packet
      // before the first dropped one, so timestamp rounding cannot move the cut.
      audioList += `outpoint ${seconds9(a.start + (count - 0.5) * packet)}\n`;
    }
  }
  return {
    videoList,
    audioList,
    audioPackets,
    videoStarts,
    audioShifts,
    videoSeconds,
    audioSeconds,
  };
}

/** One packet of the joined film as ffprobe lists it (seconds). */
export interface FilmPacket {
  pts: number;
  duration: number;
}

/** Largest allowed offset of a clip's audio from its video after a stream-copy join, seconds. */
export function maxCopyShift(sources: CopySource[]): number {
  return (sources[0]?.audio?.packetSeconds ?? 0) / 2 + SAME_TIME;
}

/**
 * Checks a stream-copy film against its plan, packet by packet: every clip's packets are
 * there, the audio runs back to back with no gap or overlap, and at each join the clip's
 * audio sits where its video does (within half an audio packet). Returns the problems.
 */
export function copyJoinProblems(
  sources: CopySource[],
  plan: CopyPlan,
  film: { video: FilmPacket[]; audio: FilmPacket[] },
): string[] {
  const problems: string[] = [];
  const videoCount = sources.reduce((sum, s) => sum + s.video.count, 0);
  if (film.video.length !== videoCount) {
    problems.push(`${film.video.length} video packets, expected ${videoCount}`);
    return problems;
  }
  if (!sources[0]?.audio) return problems;
  const audioCount = plan.audioPackets.reduce((sum, n) => sum + n, 0);
  if (film.audio.length !== audioCount) {
    problems.push(`${film.audio.length} audio packets, expected ${audioCount}`);
    return problems;
  }
  for (let i = 1; i < film.audio.length; i++) {
    const previous = film.audio[i - 1]!;
    const gap = film.audio[i]!.pts - (previous.pts + previous.duration);
    if (Math.abs(gap) > SAME_TIME) {
      problems.push(
        `the audio jumps by ${(gap * 1000).toFixed(1)} ms at ${previous.pts.toFixed(3)} s`,
      );
      break;
    }
  }
  const bound = maxCopyShift(sources);
  let v = 0;
  let a = 0;
  for (const [i, source] of sources.entries()) {
    const clipVideo = film.video.slice(v, v + source.video.count);
    const videoStart = Math.min(...clipVideo.map((p) => p.pts));
    const audioStart = film.audio[a]?.pts ?? Number.NaN;
    const lead = source.audio!.start - source.video.start;
    const shift = audioStart - videoStart - lead;
    if (!(Math.abs(shift) <= bound)) {
      problems.push(
        `clip ${i + 1} (${source.path}): its audio is ${(shift * 1000).toFixed(1)} ms off its video`,
      );
    }
    v += source.video.count;
    a += plan.audioPackets[i] ?? 0;
  }
  return problems;
}
