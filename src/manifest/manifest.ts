/** The storyboard as written (after schema validation), before resolution. */

export interface ManifestDefaults {
  model?: string;
  duration?: number;
  resolution?: string;
  ratio?: string;
  takes?: number;
}

export interface ManifestShot extends ManifestDefaults {
  id: string;
  prompt?: string;
  images?: string[];
}

export interface Manifest {
  version: 1;
  name?: string;
  output?: string;
  defaults?: ManifestDefaults;
  vars?: Record<string, string>;
  polling?: {
    initial_delay?: number | string;
    interval?: number | string;
    max_interval?: number | string;
    timeout?: number | string;
  };
  concurrency?: number;
  stitch?: {
    output?: string;
    shots?: string[];
    transition?: "none" | "crossfade";
    transition_duration?: number;
    audio?: string;
    audio_volume?: number;
    size?: string;
    fps?: number;
  };
  upload?: { command: string[] };
  shots: ManifestShot[];
}

/** The three models by short name. */
export type ShortModel = "text-to-video" | "image-to-video" | "reference-to-video";

/** `image-to-video` or `happyhorse-1-1/image-to-video` → `image-to-video`; else undefined. */
export function shortModel(value: unknown): ShortModel | undefined {
  if (typeof value !== "string") return undefined;
  const name = value.startsWith("happyhorse-1-1/") ? value.slice("happyhorse-1-1/".length) : value;
  return name === "text-to-video" || name === "image-to-video" || name === "reference-to-video"
    ? name
    : undefined;
}

export type ImageKind = { kind: "url" } | { kind: "file" } | { kind: "scheme"; scheme: string };

/** An image as written: an http(s) URL, a local path, or a URL of a scheme gallop cannot use. */
export function classifyImage(value: string): ImageKind {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value)?.[1];
  // One letter before ":" is a Windows drive (C:\frames\a.png), not a scheme.
  if (!scheme || scheme.length === 1) return { kind: "file" };
  const lower = scheme.toLowerCase();
  if (lower === "http" || lower === "https") return { kind: "url" };
  return { kind: "scheme", scheme: lower };
}

/** `[Image 2]` references in a reference-to-video prompt. */
export const IMAGE_REF = /\[Image\s*(\d+)\]/gi;
/** `{{ name }}` var references in prompts. */
export const VAR_REF = /\{\{\s*([^{}]*?)\s*\}\}/g;
