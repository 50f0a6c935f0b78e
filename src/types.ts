/**
 * Plain data shared between modules. The data flows one way (ARCHITECTURE.md):
 * storyboard.yaml → Storyboard (resolved) → Plan → run events → Lock → stitch.
 */

export const MODEL_PREFIX = "happyhorse-1-1/";
export const MODELS = [
  "happyhorse-1-1/text-to-video",
  "happyhorse-1-1/image-to-video",
  "happyhorse-1-1/reference-to-video",
] as const;
export type ModelId = (typeof MODELS)[number];
export const RESOLUTIONS = ["720p", "1080p"] as const;
export type Resolution = (typeof RESOLUTIONS)[number];
export const ASPECT_RATIOS = [
  "16:9",
  "9:16",
  "1:1",
  "4:3",
  "3:4",
  "4:5",
  "5:4",
  "9:21",
  "21:9",
] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];
export const MIN_DURATION = 3;
export const MAX_DURATION = 15;

/** The JSON body of POST /api/happyhorse-1-1/generate, exactly as the API document lists it. */
export interface GenerateRequest {
  model: ModelId;
  prompt?: string;
  /** image-to-video only */
  image_urls?: string[];
  /** reference-to-video only */
  reference_image?: string[];
  duration: number;
  resolution: Resolution;
  /** text-to-video and reference-to-video only; never sent for image-to-video */
  aspect_ratio?: AspectRatio;
}

/**
 * The body fields of a generate request, in the API document's order. The client sends only
 * these, the simulator rejects any other, and the lockfile records them in this order.
 */
export const GENERATE_BODY_FIELDS = [
  "model",
  "prompt",
  "image_urls",
  "reference_image",
  "duration",
  "resolution",
  "aspect_ratio",
] as const satisfies readonly (keyof GenerateRequest)[];

/** Where something sits in the storyboard file (1-based line and column). */
export interface SourcePosition {
  line: number;
  col: number;
}

/** An image as written in the storyboard: a URL the API can fetch, or a local file. */
export type ImageRef =
  | { kind: "url"; url: string }
  | {
      kind: "file";
      /** as written in the storyboard */
      path: string;
      /** resolved against the storyboard's folder */
      absPath: string;
      /** sha256 (hex) of the file's content, computed at resolve time */
      sha256: string;
    };

/** One shot after defaults, vars and model ids are applied. */
export interface ResolvedShot {
  id: string;
  /** 0-based position in the storyboard's shots list */
  index: number;
  model: ModelId;
  /** number of takes (generations) to request, 1-8 */
  takes: number;
  images: ImageRef[];
  /**
   * The body the API will receive. Local images appear as the placeholder
   * `local-sha256:<hex>` until they are uploaded; `requestWithImageUrls()` (src/manifest) swaps in real URLs.
   */
  request: GenerateRequest;
  /** sha256 (hex) of the canonical JSON of `request` (keys sorted, local images by content hash) */
  fingerprint: string;
  /** position of the shot in the storyboard file, for messages */
  position?: SourcePosition;
}

/** Polling schedule in milliseconds (manifest `polling:` with CLI overrides applied). */
export interface PollingConfig {
  initialDelayMs: number;
  intervalMs: number;
  maxIntervalMs: number;
  timeoutMs: number;
}

export const DEFAULT_POLLING: PollingConfig = {
  initialDelayMs: 5_000,
  intervalMs: 10_000,
  maxIntervalMs: 20_000,
  timeoutMs: 15 * 60_000,
};

export type StitchTransition = "none" | "crossfade";

/** The storyboard's `stitch:` section with defaults applied. */
export interface StitchConfig {
  /** absolute path of the film to write */
  output: string;
  /** shot ids in film order (default: every shot in storyboard order) */
  shots: string[];
  transition: StitchTransition;
  transitionDuration: number;
  /** "keep" | "mute" | absolute path of a soundtrack file */
  audio: "keep" | "mute" | { soundtrack: string };
  audioVolume: number;
  size?: { width: number; height: number };
  fps?: number;
}

/** An `upload:` command for local images (issue 6): argv with {file} and {sha256} placeholders. */
export interface UploadConfig {
  command: string[];
}

/** A storyboard after validation and resolution: everything the later stages need. */
export interface Storyboard {
  /** absolute path of the storyboard file */
  file: string;
  /** absolute folder of the storyboard file */
  dir: string;
  name: string;
  /** absolute output folder for clips and the film */
  outputDir: string;
  polling: PollingConfig;
  concurrency: number;
  stitch: StitchConfig;
  upload?: UploadConfig;
  shots: ResolvedShot[];
}
