/**
 * Renders the clip a request asks for: a real H.264 (yuv420p) MP4 with the requested duration,
 * resolution and aspect ratio, showing what was asked (the prompt, the animated source image,
 * the reference beside the prompt). Cheap on purpose: flat backgrounds, 24 fps, ultrafast.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { locateBinary, runFfmpeg } from "../media/ffmpeg.js";
import type { AspectRatio, GenerateRequest } from "../types.js";
import { findFont } from "./font.js";

export interface RenderOptions {
  /** force an audio track on (true) or off (false); default: decided by a hash of the request */
  audio?: boolean;
  /** maps an image URL to a local file (e.g. an upload the simulator holds) */
  imagePathFor?: (url: string) => string | undefined;
  signal?: AbortSignal;
  /** text drawn in the corner (e.g. the task id) */
  label?: string;
  /** a TrueType font for the text; null renders without text (default: findFont()) */
  fontFile?: string | null;
}

export interface ClipSize {
  width: number;
  height: number;
}

export const RENDER_FPS = 24;
const even = (value: number) => Math.max(2, Math.round(value / 2) * 2);

/** 1080p means the short side is 1080 (16:9 → 1920x1080, 9:16 → 1080x1920, 21:9 → 2520x1080). */
export function clipSize(resolution: string, ratio: AspectRatio | string): ClipSize {
  const short = resolution === "720p" ? 720 : 1080;
  const [a, b] = ratio.split(":").map(Number);
  return sizeForAspect(short, a ?? 16, b ?? 9);
}

function sizeForAspect(short: number, w: number, h: number): ClipSize {
  // Keep absurd source images within a 4:1 band.
  const aspect = Math.min(4, Math.max(1 / 4, w / h));
  return aspect >= 1
    ? { width: even(short * aspect), height: short }
    : { width: short, height: even(short / aspect) };
}

/** The local file behind an image URL, when the renderer can read one. */
export function localImageFor(
  url: string,
  imagePathFor?: (url: string) => string | undefined,
): string | undefined {
  const mapped = imagePathFor?.(url);
  if (mapped && existsSync(mapped)) return mapped;
  if (url.startsWith("file://")) {
    try {
      const path = fileURLToPath(url);
      return existsSync(path) ? path : undefined;
    } catch {
      return undefined;
    }
  }
  return isAbsolute(url) && existsSync(url) ? url : undefined;
}

async function probeImageSize(path: string, signal?: AbortSignal): Promise<ClipSize | undefined> {
  try {
    const { stdout } = await execa(
      locateBinary("ffprobe").path,
      [
        "-v",
        "error",
        "-select_streams",
        "v:0",
        "-show_entries",
        "stream=width,height",
        "-of",
        "csv=p=0",
        path,
      ],
      { cancelSignal: signal },
    );
    const [w, h] = stdout.trim().split(",").map(Number);
    return w && h ? { width: w, height: h } : undefined;
  } catch {
    return undefined;
  }
}

/** Escapes a value for a filter option inside a filtergraph (ffmpeg-filters §"Notes on filtergraph escaping"). */
export function filterValue(value: string): string {
  const level1 = value.replace(/[\\':]/g, "\\$&");
  return level1.replace(/[\\'[\],;]/g, "\\$&");
}

function hashOf(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

function wrap(text: string, width: number, maxLines: number): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.replace(/\s+/g, " ").trim().split(" ")) {
    const chunked =
      word.length > width ? (word.match(new RegExp(`.{1,${width}}`, "g")) ?? []) : [word];
    for (const piece of chunked) {
      if (line && line.length + 1 + piece.length > width) {
        lines.push(line);
        line = piece;
      } else {
        line = line ? `${line} ${piece}` : piece;
      }
    }
  }
  if (line) lines.push(line);
  if (lines.length > maxLines) {
    lines.length = maxLines;
    lines[maxLines - 1] = `${lines[maxLines - 1]!.slice(0, Math.max(0, width - 1))}…`;
  }
  return lines.join("\n");
}

interface TextBlock {
  text: string;
  x: string;
  y: string;
  size: number;
  box?: boolean;
}

/** Renders `request` to `destPath` (written to a temp file first, then renamed into place). */
export async function renderClip(
  request: GenerateRequest,
  destPath: string,
  options: RenderOptions = {},
): Promise<void> {
  const duration = Number(request.duration ?? 5);
  const resolution = request.resolution ?? "1080p";
  const short = resolution === "720p" ? 720 : 1080;
  const model = request.model;
  const digest = hashOf(JSON.stringify(request));
  const audio = options.audio ?? digest[0]! % 2 === 0;
  const font = options.fontFile === undefined ? findFont() : (options.fontFile ?? undefined);
  const work = await mkdtemp(join(tmpdir(), "gallop-render-"));
  const inputs: string[] = [];
  const filters: string[] = [];
  const texts: TextBlock[] = [];
  let inputCount = 0;
  const addInput = (...args: string[]) => {
    inputs.push(...args);
    return inputCount++;
  };

  const firstImage =
    model === "happyhorse-1-1/image-to-video"
      ? request.image_urls?.[0]
      : model === "happyhorse-1-1/reference-to-video"
        ? request.reference_image?.[0]
        : undefined;
  const imagePath = firstImage ? localImageFor(firstImage, options.imagePathFor) : undefined;

  let size: ClipSize;
  if (model === "happyhorse-1-1/image-to-video" && !request.aspect_ratio) {
    const imageSize = imagePath ? await probeImageSize(imagePath, options.signal) : undefined;
    size = imageSize
      ? sizeForAspect(short, imageSize.width, imageSize.height)
      : clipSize(resolution, "16:9");
  } else {
    size = clipSize(resolution, request.aspect_ratio ?? "16:9");
  }
  const { width: W, height: H } = size;
  const frames = Math.max(1, Math.round(duration * RENDER_FPS));
  const hue = digest.readUInt16BE(1) % 360;
  const background = hslHex(hue, 0.45, 0.22);
  const accent = hslHex((hue + 150) % 360, 0.6, 0.55);
  const fontSize = Math.max(18, Math.round(short / 22));
  const charsPerLine = (textWidth: number) =>
    Math.max(12, Math.floor(textWidth / (fontSize * 0.58)));
  const bg = addInput(
    "-f",
    "lavfi",
    "-i",
    `color=c=${background}:s=${W}x${H}:r=${RENDER_FPS}:d=${duration}`,
  );
  // Moving imagery: a small test pattern drifting across the frame.
  const movingW = even(W / 5);
  const movingH = even(H / 5);
  const moving = addInput(
    "-f",
    "lavfi",
    "-i",
    `testsrc2=s=${movingW}x${movingH}:r=${RENDER_FPS}:d=${duration}`,
  );
  const drift = `overlay=x='(W-w)*(0.5+0.42*sin(t*0.9))':y='(H-h)*(0.5+0.42*cos(t*0.6))':shortest=1`;

  if (model === "happyhorse-1-1/image-to-video" && imagePath) {
    // Push-in on the source image: zoompan makes every frame from one decoded picture.
    const image = addInput("-i", imagePath);
    filters.push(
      `[${image}:v]scale=${W * 2}:${H * 2}:force_original_aspect_ratio=increase,crop=${W * 2}:${H * 2},` +
        `zoompan=z='1+0.15*on/${frames}':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=${frames}:s=${W}x${H}:fps=${RENDER_FPS},` +
        "setsar=1[base]",
    );
    if (request.prompt) {
      texts.push({
        text: wrap(request.prompt, charsPerLine(W * 0.9), 3),
        x: "(w-tw)/2",
        y: "h-th-h/12",
        size: fontSize,
        box: true,
      });
    }
  } else if (model === "happyhorse-1-1/reference-to-video") {
    const half = even(W / 2);
    if (imagePath) {
      const image = addInput(
        "-loop",
        "1",
        "-framerate",
        String(RENDER_FPS),
        "-t",
        String(duration),
        "-i",
        imagePath,
      );
      filters.push(
        `[${image}:v]scale=${even(half * 0.85)}:${even(H * 0.8)}:force_original_aspect_ratio=decrease,setsar=1[ref]`,
        `[${bg}:v][${moving}:v]${drift}[drift]`,
        `[drift][ref]overlay=x='(${half}-w)/2':y='(H-h)/2':shortest=1[base]`,
      );
    } else {
      filters.push(
        `[${bg}:v][${moving}:v]${drift},drawbox=x=${even(half * 0.08)}:y=${even(H * 0.1)}:w=${even(half * 0.84)}:h=${even(H * 0.8)}:color=${accent}@0.5:t=fill[base]`,
      );
      texts.push({
        text: wrap(`reference: ${firstImage ?? "(none)"}`, charsPerLine(half * 0.8), 6),
        x: `(${half}-tw)/2`,
        y: "(h-th)/2",
        size: Math.round(fontSize * 0.8),
      });
    }
    texts.push({
      text: wrap(request.prompt ?? "", charsPerLine(half * 0.85), 10),
      x: `${half}+(${half}-tw)/2`,
      y: "(h-th)/2",
      size: fontSize,
      box: true,
    });
  } else {
    filters.push(`[${bg}:v][${moving}:v]${drift}[base]`);
    if (model === "happyhorse-1-1/image-to-video") {
      texts.push({
        text: wrap(`source image: ${firstImage ?? "(none)"}`, charsPerLine(W * 0.85), 4),
        x: "(w-tw)/2",
        y: "h/4",
        size: Math.round(fontSize * 0.8),
        box: true,
      });
    }
    if (request.prompt) {
      texts.push({
        text: wrap(request.prompt, charsPerLine(W * 0.85), 8),
        x: "(w-tw)/2",
        y: "(h-th)/2",
        size: fontSize,
        box: true,
      });
    }
  }
  texts.push({
    text: `HppyHorse simulator · ${model.replace("happyhorse-1-1/", "")} · ${duration}s ${resolution} ${W}x${H}${options.label ? ` · ${options.label}` : ""}`,
    x: "w/40",
    y: "h/40",
    size: Math.max(14, Math.round(fontSize * 0.55)),
  });

  let chain = "[base]";
  if (font) {
    const drawn: string[] = [];
    for (const [index, block] of texts.entries()) {
      if (!block.text) continue;
      const file = join(work, `text${index}.txt`);
      await writeFile(file, block.text, "utf8");
      drawn.push(
        `drawtext=fontfile=${filterValue(font)}:textfile=${filterValue(file)}:expansion=none:` +
          `fontsize=${block.size}:fontcolor=white:line_spacing=${Math.round(block.size / 4)}:x=${block.x}:y=${block.y}` +
          (block.box ? `:box=1:boxcolor=black@0.45:boxborderw=${Math.round(block.size / 3)}` : ""),
      );
    }
    if (drawn.length > 0) chain = `[base]${drawn.join(",")},`;
  }
  filters.push(`${chain}format=yuv420p[v]`);

  if (audio) {
    const frequency = 220 + (digest[3]! % 8) * 55;
    const tone = addInput(
      "-f",
      "lavfi",
      "-i",
      `sine=frequency=${frequency}:sample_rate=44100:duration=${duration}`,
    );
    filters.push(`[${tone}:a]volume=0.2[a]`);
  }
  const args = [...inputs];
  args.push("-filter_complex", filters.join(";"), "-map", "[v]");
  if (audio) args.push("-map", "[a]", "-c:a", "aac", "-b:a", "64k", "-ac", "1");
  else args.push("-an");
  const temp = join(dirname(destPath), `.${randomBytes(4).toString("hex")}.render.mp4`);
  args.push(
    "-t",
    String(duration),
    "-r",
    String(RENDER_FPS),
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-crf",
    "28",
    "-pix_fmt",
    "yuv420p",
    "-movflags",
    "+faststart",
    "-threads",
    "2",
    "-y",
    temp,
  );
  try {
    await runFfmpeg(["-loglevel", "error", ...args], { signal: options.signal });
    await rename(temp, destPath);
  } finally {
    await rm(temp, { force: true });
    await rm(work, { recursive: true, force: true });
  }
}

function hslHex(h: number, s: number, l: number): string {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  const hex = (x: number) =>
    Math.round(x * 255)
      .toString(16)
      .padStart(2, "0");
  return `0x${hex(f(0))}${hex(f(8))}${hex(f(4))}`;
}
