// Public API of src/media/, re-exported by src/index.ts.
export type { Capabilities } from "./capabilities.js";
export { detectCapabilities } from "./capabilities.js";
export { clipPathForShot, filmClips } from "./clips.js";
export type { BinaryReport, DoctorReport } from "./doctor.js";
export { diagnose } from "./doctor.js";
export type {
  BinaryName,
  BinarySource,
  LocatedBinary,
  LocateOptions,
  RunOptions,
} from "./ffmpeg.js";
export { captureOutput, lastErrorLines, locateBinary, runFfmpeg } from "./ffmpeg.js";
export {
  type FilmInputs,
  type FilmOutput,
  filmInputsKey,
  stitchUnlessUnchanged,
} from "./film-record.js";
export type { FrameOptions } from "./frame.js";
export { extractFrame } from "./frame.js";
export type {
  AudioStreamInfo,
  ClipInfo,
  ProbeOptions,
  Rational,
  VideoStreamInfo,
} from "./probe.js";
export { probe } from "./probe.js";
export type { StitchClip, StitchOptions, StitchResult } from "./stitch.js";
export { MAX_DRIFT_SECONDS, stitchFilm } from "./stitch.js";
export type { CrossfadeImpl } from "./stitch-plan.js";
