/**
 * stitchFilm: one film from the clips. Probes every clip; joins with the concat demuxer and
 * stream copy when they are alike (no re-encode), else normalises each clip once in a single
 * ffmpeg graph and encodes once. Writes to a temp file beside the output, verifies it with
 * ffprobe, then renames; temp files go on success and on failure.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, extname, join } from "node:path";
import pLimit from "p-limit";
import { ExitError, InputError } from "../errors.js";
import type { StitchConfig } from "../types.js";
import { detectCapabilities } from "./capabilities.js";
import { captureOutput, locateBinary, runFfmpeg } from "./ffmpeg.js";
import * as messages from "./messages.js";
import { type ClipInfo, parseRational, probe, rationalValue } from "./probe.js";
import {
  buildFilmGraph,
  type CopyPlan,
  type CopySource,
  type CrossfadeImpl,
  copyBlocker,
  copyJoinProblems,
  type FilmPacket,
  planCopyJoin,
  type StreamPackets,
  TransitionTooLongError,
  targetFor,
} from "./stitch-plan.js";

export interface StitchClip {
  id: string;
  path: string;
}

export interface StitchOptions {
  clips: StitchClip[];
  config: StitchConfig;
  /** parent folder for the temp working folder (default: the OS temp folder) */
  workDir?: string;
  signal?: AbortSignal;
  onProgress?: (fraction: number, stage: string) => void;
  ffmpegPath?: string;
  ffprobePath?: string;
  /** named in the missing-clip message (`gallop run FILE`) */
  storyboardFile?: string;
  /** force the crossfade graph (tests); default: xfade when the ffmpeg has it */
  crossfade?: CrossfadeImpl;
}

export interface StitchResult {
  path: string;
  mode: "copy" | "normalize";
  /** why the copy path was not taken (normalise only) */
  reason?: string;
  durationSeconds: number;
  expectedDurationSeconds: number;
  bytes: number;
  width: number;
  height: number;
  fps: number;
  hasAudio: boolean;
  clips: number;
  /** the crossfade implementation used, when there were crossfades */
  crossfade?: CrossfadeImpl;
}

/** Largest allowed |audio − video| stream duration in a normalised film. */
export const MAX_DRIFT_SECONDS = 0.05;

const FORMATS: Record<string, string> = {
  ".mp4": "mp4",
  ".m4v": "mp4",
  ".mov": "mov",
  ".mkv": "matroska",
};

export async function stitchFilm(options: StitchOptions): Promise<StitchResult> {
  const { config, signal } = options;
  const report = options.onProgress ?? (() => {});
  if (options.clips.length === 0) throw new InputError(messages.noClips);
  const format = FORMATS[extname(config.output).toLowerCase()];
  if (!format) throw new InputError(messages.unknownOutputFormat(config.output));
  const missing = options.clips.filter((clip) => !existsSync(clip.path));
  if (missing.length > 0)
    throw new ExitError(messages.missingClips(missing, options.storyboardFile));
  if (typeof config.audio === "object" && !existsSync(config.audio.soundtrack)) {
    throw new InputError(messages.soundtrackMissing(config.audio.soundtrack));
  }
  const ffmpegPath = options.ffmpegPath ?? locateBinary("ffmpeg").path;
  const ffprobePath = options.ffprobePath ?? locateBinary("ffprobe").path;

  report(0, "probing");
  const limit = pLimit(4);
  const infos = await Promise.all(
    options.clips.map((clip) =>
      limit(async () => {
        try {
          return await probe(clip.path, { ffprobePath, signal });
        } catch (error) {
          if (error instanceof ExitError && error.exitCode === 130) throw error;
          const detail = error instanceof Error ? error.message : String(error);
          throw new ExitError(messages.unreadableClip(clip.id, clip.path, detail));
        }
      }),
    ),
  );
  if (typeof config.audio === "object") {
    const soundtrack = await probeAudio(config.audio.soundtrack, ffprobePath, signal);
    if (!soundtrack) throw new InputError(messages.soundtrackWithoutAudio(config.audio.soundtrack));
  }

  await mkdir(dirname(config.output), { recursive: true });
  const work = await mkdtemp(join(options.workDir ?? tmpdir(), "gallop-stitch-"));
  const partial = join(
    dirname(config.output),
    `.${basename(config.output)}.${randomBytes(4).toString("hex")}.partial`,
  );
  try {
    const ctx: RunContext = { ffmpegPath, signal, report };
    let reason = copyBlocker(infos, config);
    let run: Joined | undefined;
    if (reason === undefined) {
      const sources = await Promise.all(
        infos.map((info) => limit(() => readCopySource(info.path, ffprobePath, signal))),
      );
      const plan = planCopyJoin(sources);
      if ("blocker" in plan) reason = plan.blocker;
      else {
        // Without extradata hashes, keep ffmpeg's safe default (SPS/PPS in every keyframe).
        const knownParams = infos.every((info) => info.video.extradataHash !== undefined);
        const copied = await joinByCopy(sources, plan, partial, format, work, {
          ...ctx,
          knownParams,
        });
        const problems = copyJoinProblems(
          sources,
          plan,
          await readFilmPackets(partial, ffprobePath, signal),
        );
        // A copy that does not keep sound on the picture's clock is never delivered:
        // normalise instead, which trims/pads every clip's audio to its video.
        if (problems.length === 0) run = copied;
        else reason = messages.copyMisaligned(problems);
      }
    }
    if (!run) run = await joinByNormalising(infos, options, partial, format, work, ctx);
    report(0.99, "verifying");
    const result = await verify(partial, config.output, run, infos.length, ffprobePath, signal);
    await rename(partial, config.output);
    report(1, "done");
    return {
      ...result,
      path: config.output,
      mode: run.mode,
      reason,
      clips: infos.length,
      crossfade: run.crossfade,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(partial, { force: true });
  }
}

interface Joined {
  mode: StitchResult["mode"];
  expectedSeconds: number;
  /** tolerance: one frame per clip */
  frameSeconds: number;
  expectAudio: boolean;
  checkDrift: boolean;
  crossfade?: CrossfadeImpl;
}

interface RunContext {
  ffmpegPath: string;
  signal?: AbortSignal;
  report: (fraction: number, stage: string) => void;
}

async function probeAudio(path: string, ffprobePath: string, signal?: AbortSignal) {
  const out = await captureOutput(
    ffprobePath,
    ["-v", "error", "-print_format", "json", "-show_streams", "-select_streams", "a", path],
    { signal },
  ).catch((error: unknown) => {
    throw new InputError(
      messages.probeFailed(path, error instanceof Error ? error.message : String(error)),
    );
  });
  const streams = (JSON.parse(out) as { streams?: unknown[] }).streams ?? [];
  return streams.length > 0;
}

/** The packets of a clip's first video and first audio stream (what `-map 0:v:0 -map 0:a:0?` takes). */
async function readStreams(
  path: string,
  ffprobePath: string,
  signal?: AbortSignal,
): Promise<{ video: FilmPacket[]; audio?: FilmPacket[] }> {
  const out = await captureOutput(
    ffprobePath,
    [
      "-v",
      "error",
      "-show_entries",
      "stream=index,codec_type,time_base:packet=stream_index,pts,dts,duration",
      "-of",
      "json",
      path,
    ],
    { signal },
  );
  const data = JSON.parse(out) as {
    streams?: { index: number; codec_type?: string; time_base?: string }[];
    packets?: { stream_index: number; pts?: number; dts?: number; duration?: number }[];
  };
  const streams = data.streams ?? [];
  const pick = (type: string) => {
    const stream = streams.find((s) => s.codec_type === type);
    if (!stream) return undefined;
    const tb = parseRational(stream.time_base) ?? { num: 1, den: 1000 };
    const unit = tb.num / tb.den;
    return (data.packets ?? [])
      .filter((p) => p.stream_index === stream.index)
      .map((p) => ({
        pts: Number(p.pts ?? p.dts ?? 0) * unit,
        duration: Number(p.duration ?? 0) * unit,
      }));
  };
  return { video: pick("video") ?? [], audio: pick("audio") };
}

function summarise(packets: FilmPacket[]): StreamPackets {
  const start = Math.min(...packets.map((p) => p.pts));
  const end = Math.max(...packets.map((p) => p.pts + p.duration));
  const first = packets[0]?.duration ?? 0;
  const alike = packets.slice(0, -1).every((p) => Math.abs(p.duration - first) < 1e-6);
  return {
    start,
    end,
    count: packets.length,
    packetSeconds: alike && first > 0 ? first : undefined,
  };
}

async function readCopySource(
  path: string,
  ffprobePath: string,
  signal?: AbortSignal,
): Promise<CopySource> {
  const { video, audio } = await readStreams(path, ffprobePath, signal);
  return {
    path,
    video: summarise(video),
    audio: audio && audio.length > 0 ? summarise(audio) : undefined,
  };
}

async function readFilmPackets(
  path: string,
  ffprobePath: string,
  signal?: AbortSignal,
): Promise<{ video: FilmPacket[]; audio: FilmPacket[] }> {
  const { video, audio } = await readStreams(path, ffprobePath, signal);
  return { video, audio: audio ?? [] };
}

async function joinByCopy(
  sources: CopySource[],
  plan: CopyPlan,
  partial: string,
  format: string,
  work: string,
  ctx: RunContext & { knownParams: boolean },
): Promise<Joined> {
  const videoList = join(work, "video.ffconcat");
  await writeFile(videoList, plan.videoList);
  const audioList = plan.audioList === undefined ? undefined : join(work, "audio.ffconcat");
  if (audioList) await writeFile(audioList, plan.audioList ?? "");
  const expectedSeconds = plan.videoSeconds;
  const first = sources[0]!;
  ctx.report(0, "joining");
  // The concat demuxer rewrites H.264 to carry SPS/PPS in every keyframe (auto_convert), for
  // inputs whose parameters differ. Ours are proven identical (copyBlocker compares the
  // extradata hashes), so the packets pass through byte for byte.
  const concat = ["-f", "concat", "-safe", "0", ...(ctx.knownParams ? ["-auto_convert", "0"] : [])];
  await runFfmpeg(
    [
      ...concat,
      "-i",
      videoList,
      ...(audioList ? [...concat, "-i", audioList] : []),
      "-map",
      "0:v:0",
      ...(audioList ? ["-map", "1:a:0"] : []),
      "-c",
      "copy",
    ]
      .concat(format === "mp4" || format === "mov" ? ["-movflags", "+faststart"] : [])
      .concat(["-f", format, "-y", partial]),
    {
      ffmpegPath: ctx.ffmpegPath,
      signal: ctx.signal,
      onProgress: (seconds) => ctx.report(Math.min(0.98, seconds / expectedSeconds), "joining"),
    },
  );
  return {
    mode: "copy",
    expectedSeconds,
    frameSeconds: (first.video.end - first.video.start) / Math.max(1, first.video.count),
    expectAudio: first.audio !== undefined,
    checkDrift: true,
  };
}

async function joinByNormalising(
  infos: ClipInfo[],
  options: StitchOptions,
  partial: string,
  format: string,
  work: string,
  ctx: RunContext,
): Promise<Joined> {
  const caps = await detectCapabilities({ ffmpegPath: ctx.ffmpegPath });
  const lacking = [
    ...(caps.libx264 ? [] : ["the libx264 encoder"]),
    ...(caps.aac ? [] : ["the aac encoder"]),
    ...(options.config.transition === "crossfade" && !caps.acrossfade
      ? ["the acrossfade filter"]
      : []),
  ];
  if (lacking.length > 0) throw new ExitError(messages.missingEncoder(ctx.ffmpegPath, lacking));
  const crossfade: CrossfadeImpl = options.crossfade ?? (caps.xfade ? "xfade" : "blend");
  const target = targetFor(infos, options.config);
  let film: ReturnType<typeof buildFilmGraph>;
  try {
    film = buildFilmGraph(
      infos.map((clip, i) => ({ id: options.clips[i]!.id, clip })),
      { config: options.config, target, crossfade },
    );
  } catch (error) {
    if (error instanceof TransitionTooLongError) throw new InputError(error.message);
    throw error;
  }
  ctx.report(0, "encoding");
  const script = join(work, "film.filtergraph");
  await writeFile(script, film.graph);
  const args = [
    ...film.inputs.flatMap((path) => ["-i", path]),
    "-filter_complex_script",
    script,
    "-map",
    "[vout]",
    "-map",
    "[aout]",
    "-c:v",
    "libx264",
    "-preset",
    "veryfast",
    "-crf",
    "20",
    "-pix_fmt",
    "yuv420p",
    "-c:a",
    "aac",
    "-b:a",
    "192k",
    "-ar",
    "48000",
    "-ac",
    "2",
    // Many inputs feeding one graph can outrun the muxer's default queue in ffmpeg 4.x.
    "-max_muxing_queue_size",
    "4096",
    ...(format === "mp4" || format === "mov" ? ["-movflags", "+faststart"] : []),
    "-f",
    format,
    "-y",
    partial,
  ];
  await runFfmpeg(args, {
    ffmpegPath: ctx.ffmpegPath,
    signal: ctx.signal,
    onProgress: (seconds) => ctx.report(Math.min(0.98, seconds / film.durationSeconds), "encoding"),
  });
  return {
    mode: "normalize",
    expectedSeconds: film.durationSeconds,
    frameSeconds: 1 / rationalValue(target.fps),
    expectAudio: true,
    checkDrift: true,
    crossfade:
      options.config.transition === "crossfade" && infos.length > 1 ? crossfade : undefined,
  };
}

async function verify(
  partial: string,
  output: string,
  run: Joined,
  clipCount: number,
  ffprobePath: string,
  signal?: AbortSignal,
): Promise<Omit<StitchResult, "path" | "mode" | "clips">> {
  const info = await probe(partial, { ffprobePath, signal });
  const problems: string[] = [];
  const tolerance = run.frameSeconds * clipCount + 1e-3;
  if (Math.abs(info.durationSeconds - run.expectedSeconds) > tolerance) {
    problems.push(messages.durationMismatch(info.durationSeconds, run.expectedSeconds, tolerance));
  }
  if (run.expectAudio && !info.audio) problems.push(messages.streamMissing("audio"));
  if (
    run.checkDrift &&
    info.audio &&
    Math.abs(info.audio.durationSeconds - info.video.durationSeconds) > MAX_DRIFT_SECONDS
  ) {
    problems.push(messages.audioDrift(info.audio.durationSeconds, info.video.durationSeconds));
  }
  if (problems.length > 0) throw new ExitError(messages.verifyFailed(output, problems));
  return {
    durationSeconds: info.durationSeconds,
    expectedDurationSeconds: run.expectedSeconds,
    bytes: info.bytes,
    width: info.video.width,
    height: info.video.height,
    fps: rationalValue(info.video.frameRate),
    hasAudio: info.audio !== undefined,
  };
}
