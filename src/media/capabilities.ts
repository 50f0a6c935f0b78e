/**
 * What the ffmpeg in use can do, detected (never assumed) from `-filters` and `-encoders`,
 * and cached per binary path: the bundled ffmpeg 4.1 lacks `xfade`, a system 5.x has it.
 */
import { captureOutput, locateBinary } from "./ffmpeg.js";

/** The filters and encoders stitching cares about. */
export interface StitchFeatures {
  xfade: boolean;
  acrossfade: boolean;
  blend: boolean;
  drawtext: boolean;
  libx264: boolean;
  aac: boolean;
}

export interface Capabilities extends StitchFeatures {
  ffmpegPath: string;
  /** first line of `ffmpeg -version`, e.g. "ffmpeg version 5.1.9" */
  version: string;
  filters: ReadonlySet<string>;
  encoders: ReadonlySet<string>;
}

/** Filters the normalise path needs on any ffmpeg. */
export const REQUIRED_FILTERS = [
  "scale",
  "pad",
  "setsar",
  "fps",
  "tpad",
  "trim",
  "atrim",
  "apad",
  "aresample",
  "aformat",
  "anullsrc",
  "concat",
] as const;

const cache = new Map<string, Promise<Capabilities>>();

/** Names from a `-filters` / `-encoders` listing: a flags column, then the name. */
export function parseListing(listing: string): Set<string> {
  const names = new Set<string>();
  for (const line of listing.split(/\r?\n/)) {
    const match = /^\s*[A-Z.|]{3,6}\s+([A-Za-z0-9_]+)\s+\S/.exec(line);
    if (match?.[1]) names.add(match[1]);
  }
  return names;
}

export function parseVersion(versionOutput: string): string {
  const first = versionOutput.split(/\r?\n/)[0] ?? "";
  return first.replace(/\s+Copyright.*$/, "").trim();
}

async function detect(ffmpegPath: string): Promise<Capabilities> {
  const [versionOut, filtersOut, encodersOut] = await Promise.all([
    captureOutput(ffmpegPath, ["-hide_banner", "-version"]),
    captureOutput(ffmpegPath, ["-hide_banner", "-filters"]),
    captureOutput(ffmpegPath, ["-hide_banner", "-encoders"]),
  ]);
  const filters = parseListing(filtersOut);
  const encoders = parseListing(encodersOut);
  return {
    ffmpegPath,
    version: parseVersion(versionOut),
    filters,
    encoders,
    xfade: filters.has("xfade"),
    acrossfade: filters.has("acrossfade"),
    blend: filters.has("blend"),
    drawtext: filters.has("drawtext"),
    libx264: encoders.has("libx264"),
    aac: encoders.has("aac"),
  };
}

/** Detects (once per binary path) what the ffmpeg in use offers. */
export function detectCapabilities(options: { ffmpegPath?: string } = {}): Promise<Capabilities> {
  const ffmpegPath = options.ffmpegPath ?? locateBinary("ffmpeg").path;
  let found = cache.get(ffmpegPath);
  if (!found) {
    found = detect(ffmpegPath);
    // A failed detection is not cached: the user may fix the binary and retry in-process.
    found.catch(() => cache.delete(ffmpegPath));
    cache.set(ffmpegPath, found);
  }
  return found;
}
