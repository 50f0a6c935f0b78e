/**
 * Resolution: a valid manifest → the Storyboard the later stages use. Defaults applied, vars
 * substituted, model ids made full, durations parsed, paths made absolute, and for each shot
 * the exact request body and its fingerprint.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { isSeq, type Node } from "yaml";
import { storyboardStem } from "../paths.js";
import {
  type AspectRatio,
  DEFAULT_POLLING,
  type GenerateRequest,
  type ImageRef,
  MODEL_PREFIX,
  type ModelId,
  type PollingConfig,
  type Resolution,
  type ResolvedShot,
  type StitchConfig,
  type Storyboard,
} from "../types.js";
import { parseDuration } from "./duration.js";
import { fingerprintRequest, localImagePlaceholder, sha256Hex } from "./fingerprint.js";
import type { Locator } from "./locate.js";
import {
  classifyImage,
  type Manifest,
  type ManifestShot,
  shortModel,
  VAR_REF,
} from "./manifest.js";

export const DEFAULT_DURATION = 5;
export const DEFAULT_RESOLUTION: Resolution = "1080p";
export const DEFAULT_RATIO: AspectRatio = "16:9";
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_TRANSITION_DURATION = 0.5;

export interface ResolveInput {
  manifest: Manifest;
  /** absolute path of the storyboard */
  file: string;
  locator?: Locator;
}

function substituteVars(prompt: string, vars: Record<string, string>): string {
  return prompt.replace(VAR_REF, (whole, name: string) => vars[name] ?? whole);
}

function polling(manifest: Manifest): PollingConfig {
  const ms = (value: number | string | undefined, fallback: number) =>
    value === undefined ? fallback : (parseDuration(value) ?? fallback);
  const p = manifest.polling ?? {};
  return {
    initialDelayMs: ms(p.initial_delay, DEFAULT_POLLING.initialDelayMs),
    intervalMs: ms(p.interval, DEFAULT_POLLING.intervalMs),
    maxIntervalMs: ms(p.max_interval, DEFAULT_POLLING.maxIntervalMs),
    timeoutMs: ms(p.timeout, DEFAULT_POLLING.timeoutMs),
  };
}

function stitch(manifest: Manifest, dir: string, outputDir: string, name: string): StitchConfig {
  const s = manifest.stitch ?? {};
  const size = s.size ? /^(\d+)x(\d+)$/.exec(s.size) : null;
  const config: StitchConfig = {
    output: resolve(outputDir, s.output ?? `${name}.mp4`),
    shots: s.shots ?? manifest.shots.map((shot) => shot.id),
    transition: s.transition ?? "none",
    transitionDuration: s.transition_duration ?? DEFAULT_TRANSITION_DURATION,
    audio:
      s.audio === undefined || s.audio === "keep" || s.audio === "mute"
        ? (s.audio ?? "keep")
        : { soundtrack: resolve(dir, s.audio) },
    audioVolume: s.audio_volume ?? 1,
  };
  if (size) config.size = { width: Number(size[1]), height: Number(size[2]) };
  if (s.fps !== undefined) config.fps = s.fps;
  return config;
}

/** sha256 of every local image, each file read once however many shots use it. */
async function hashLocalImages(manifest: Manifest, dir: string): Promise<Map<string, string>> {
  const paths = new Set<string>();
  for (const shot of manifest.shots) {
    for (const image of shot.images ?? []) {
      if (classifyImage(image).kind === "file") paths.add(resolve(dir, image));
    }
  }
  const list = [...paths];
  const hashes = await Promise.all(list.map(async (path) => sha256Hex(await readFile(path))));
  return new Map(list.map((path, i) => [path, hashes[i]!]));
}

function imageRefs(images: string[], dir: string, hashes: Map<string, string>): ImageRef[] {
  return images.map((image): ImageRef => {
    if (classifyImage(image).kind === "url") return { kind: "url", url: image };
    const absPath = resolve(dir, image);
    return { kind: "file", path: image, absPath, sha256: hashes.get(absPath)! };
  });
}

/** The request body exactly as the API document lists it, only documented fields. */
export function buildRequest(
  model: ModelId,
  shot: ManifestShot,
  defaults: Manifest["defaults"],
  prompt: string | undefined,
  images: ImageRef[],
): GenerateRequest {
  const request: GenerateRequest = {
    model,
    duration: shot.duration ?? defaults?.duration ?? DEFAULT_DURATION,
    resolution: (shot.resolution ?? defaults?.resolution ?? DEFAULT_RESOLUTION) as Resolution,
  };
  if (prompt !== undefined) request.prompt = prompt;
  const sent = images.map((image) =>
    image.kind === "url" ? image.url : localImagePlaceholder(image.sha256),
  );
  if (model === "happyhorse-1-1/image-to-video") {
    request.image_urls = sent;
  } else {
    if (model === "happyhorse-1-1/reference-to-video") request.reference_image = sent;
    request.aspect_ratio = (shot.ratio ?? defaults?.ratio ?? DEFAULT_RATIO) as AspectRatio;
  }
  return request;
}

/** A validated manifest → Storyboard. Assumes `checkStoryboard`'s rules found no errors. */
export async function resolveStoryboard({
  manifest,
  file,
  locator,
}: ResolveInput): Promise<Storyboard> {
  const absFile = resolve(file);
  const dir = resolve(absFile, "..");
  const name = manifest.name ?? storyboardStem(absFile);
  const outputDir = resolve(dir, manifest.output ?? `out/${name}`);
  const vars = manifest.vars ?? {};
  const defaults = manifest.defaults;
  const hashes = await hashLocalImages(manifest, dir);
  const shotNodes = locator?.find(["shots"]).node;
  const shots = manifest.shots.map((shot, index): ResolvedShot => {
    const model = `${MODEL_PREFIX}${shortModel(shot.model ?? defaults?.model)}` as ModelId;
    const prompt = shot.prompt === undefined ? undefined : substituteVars(shot.prompt, vars).trim();
    // text-to-video takes no images (a rule rejects them); the others send them.
    const images =
      model === "happyhorse-1-1/text-to-video" ? [] : imageRefs(shot.images ?? [], dir, hashes);
    const request = buildRequest(model, shot, defaults, prompt, images);
    const resolved: ResolvedShot = {
      id: shot.id,
      index,
      model,
      takes: shot.takes ?? defaults?.takes ?? 1,
      images,
      request,
      fingerprint: fingerprintRequest(request),
    };
    const start = isSeq(shotNodes)
      ? (shotNodes.items[index] as Node | undefined)?.range?.[0]
      : undefined;
    if (start !== undefined && locator) resolved.position = locator.position(start);
    return resolved;
  });
  const storyboard: Storyboard = {
    file: absFile,
    dir,
    name,
    outputDir,
    polling: polling(manifest),
    concurrency: manifest.concurrency ?? DEFAULT_CONCURRENCY,
    stitch: stitch(manifest, dir, outputDir, name),
    shots,
  };
  if (manifest.upload) storyboard.upload = { command: [...manifest.upload.command] };
  return storyboard;
}
