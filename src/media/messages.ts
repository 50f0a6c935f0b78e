/** Every user-facing sentence of src/media/ (STYLE.md 5). */
import type { DoctorReport } from "./doctor.js";

export const missingClips = (
  missing: { id: string; path: string }[],
  storyboardFile?: string,
): string =>
  [
    `${missing.length === 1 ? "A clip is" : `${missing.length} clips are`} missing, so the film cannot be stitched:`,
    ...missing.map((clip) => `  shot "${clip.id}": ${clip.path} does not exist`),
    `Generate ${missing.length === 1 ? "it" : "them"} first with \`gallop run ${storyboardFile ?? "STORYBOARD"}\`.`,
  ].join("\n");

export const unreadableClip = (id: string, path: string, detail: string): string =>
  `Shot "${id}": ${path} is not a readable video (ffprobe said: ${detail}). ` +
  `Delete it and run \`gallop run\` again to fetch it anew.`;

export const noVideoStream = (id: string, path: string): string =>
  `Shot "${id}": ${path} has no video stream. Delete it and run \`gallop run\` again.`;

export const noClips = "Nothing to stitch: the stitch section selects no shots.";

export const unknownOutputFormat = (output: string): string =>
  `stitch.output ${output}: unsupported extension. Use .mp4, .m4v, .mov or .mkv.`;

export const soundtrackMissing = (path: string): string =>
  `stitch.audio: the soundtrack ${path} does not exist. Fix the path (relative to the storyboard's folder) or use audio: keep.`;

export const soundtrackWithoutAudio = (path: string): string =>
  `stitch.audio: ${path} has no audio stream to use as a soundtrack.`;

export const transitionTooLong = (id: string, clipSeconds: number, transition: number): string =>
  `Shot "${id}" lasts ${clipSeconds.toFixed(2)} s, too short for a ${transition} s crossfade on ` +
  `${"each side it joins"}. Shorten stitch.transition_duration.`;

export const missingEncoder = (ffmpegPath: string, what: string[]): string =>
  `${ffmpegPath} lacks ${what.join(", ")}, which stitching these clips needs (they differ, so they must be re-encoded). ` +
  "Use the bundled ffmpeg (`npm ci`) or point --ffmpeg / GALLOP_FFMPEG at a full build; `gallop doctor` shows what was found.";

export const verifyFailed = (output: string, problems: string[]): string =>
  [
    `The stitched film failed its check, so it was not written to ${output}:`,
    ...problems.map((problem) => `  - ${problem}`),
    "This is a bug in gallop or in ffmpeg; please report it with `gallop doctor` output.",
  ].join("\n");

export const durationMismatch = (actual: number, expected: number, tolerance: number): string =>
  `duration ${actual.toFixed(3)} s, expected ${expected.toFixed(3)} s (± ${tolerance.toFixed(3)} s)`;

export const audioDrift = (audio: number, video: number): string =>
  `audio lasts ${audio.toFixed(3)} s but video ${video.toFixed(3)} s (more than 50 ms apart)`;

export const streamMissing = (kind: "video" | "audio"): string => `no ${kind} stream`;

export const probeFailed = (path: string, detail: string): string =>
  `ffprobe could not read ${path}: ${detail}`;

export const binaryUnusable = (path: string, detail: string): string =>
  `${path} did not run: ${detail}`;

const yes = (value: boolean) => (value ? "yes" : "no");

/** `gallop doctor` in plain text. */
export function doctorText(report: DoctorReport): string {
  const lines: string[] = [];
  for (const binary of [report.ffmpeg, report.ffprobe]) {
    lines.push(
      binary.path
        ? `${binary.name.padEnd(8)} ${binary.path} (${binary.source})${binary.version ? `\n         ${binary.version}` : ""}`
        : `${binary.name.padEnd(8)} not found`,
    );
  }
  const caps = report.capabilities;
  if (caps) {
    lines.push(
      "",
      `xfade       ${yes(caps.xfade)}`,
      `acrossfade  ${yes(caps.acrossfade)}`,
      `blend       ${yes(caps.blend)}`,
      `drawtext    ${yes(caps.drawtext)}`,
      `libx264     ${yes(caps.libx264)}`,
      `aac         ${yes(caps.aac)}`,
      "",
      caps.crossfade === "xfade"
        ? "crossfade: uses the xfade filter"
        : caps.crossfade === "blend"
          ? "crossfade: this ffmpeg has no xfade; uses the equivalent split/trim + blend graph"
          : "crossfade: not available with this ffmpeg",
    );
  }
  if (report.problems.length > 0) {
    lines.push("", "Problems:", ...report.problems.map((p) => `  - ${p.replace(/\n/g, "\n    ")}`));
  }
  lines.push(
    "",
    report.ok
      ? "ffmpeg and ffprobe are usable."
      : "Not usable yet. Run `npm ci` for the bundled binaries, or point --ffmpeg/--ffprobe (GALLOP_FFMPEG/GALLOP_FFPROBE) at working ones.",
  );
  return `${lines.join("\n")}\n`;
}

/** `gallop stitch` summary. */
export function stitchSummary(result: {
  path: string;
  mode: string;
  reason?: string;
  durationSeconds: number;
  bytes: number;
  width: number;
  height: number;
  fps: number;
  clips: number;
  crossfade?: string;
}): string {
  const mb = (result.bytes / 1e6).toFixed(result.bytes < 1e7 ? 2 : 1);
  const how =
    result.mode === "copy"
      ? "joined without re-encoding (stream copy)"
      : `re-encoded once (${result.reason ?? "clips differ"})`;
  return (
    `Stitched ${result.clips} clip${result.clips === 1 ? "" : "s"} → ${result.path}\n` +
    `  ${result.durationSeconds.toFixed(2)} s, ${result.width}x${result.height} @ ${Number(result.fps.toFixed(3))} fps, ${mb} MB\n` +
    `  ${how}${result.crossfade ? `; crossfades via ${result.crossfade}` : ""}\n`
  );
}

export const copyMisaligned = (problems: string[]): string =>
  `a stream copy would not keep the sound on the picture (${problems.slice(0, 2).join("; ")})`;
