// Public API of src/media/, re-exported by src/index.ts.
export type { Capabilities } from "./capabilities.js";
export { detectCapabilities } from "./capabilities.js";
export type {
  BinaryName,
  BinarySource,
  LocatedBinary,
  LocateOptions,
  RunOptions,
} from "./ffmpeg.js";
export { captureOutput, lastErrorLines, locateBinary, runFfmpeg } from "./ffmpeg.js";
export type {
  AudioStreamInfo,
  ClipInfo,
  ProbeOptions,
  Rational,
  VideoStreamInfo,
} from "./probe.js";
export { probe } from "./probe.js";
export type { StitchClip, StitchOptions, StitchResult } from "./stitch.js";
export { stitchFilm } from "./stitch.js";
