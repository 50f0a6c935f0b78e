/**
 * The storyboard strip: one frame per shot of the film, in film order, side by side, each
 * fitted into a tile of the same size; a shot without a clip gets a grey tile. Long films
 * wrap into rows of STRIP_ROW_LENGTH tiles so that ffmpeg never opens thousands of inputs.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { runFfmpeg } from "../media/index.js";

export const STRIP_TILE = { width: 320, height: 180 } as const;
/** Space around each frame inside its tile, in pixels. */
export const STRIP_MARGIN = 4;
export const STRIP_ROW_LENGTH = 30;
const BACKGROUND = "0x111111";
const PLACEHOLDER = "0x3a3a3a";

export interface StripOptions {
  ffmpegPath?: string;
  signal?: AbortSignal;
}

/** One tile: the poster PNG of the shot's picked take, or undefined for a grey placeholder. */
export type StripTile = string | undefined;

function tileFilter(input: string, index: number): string {
  const { width, height } = STRIP_TILE;
  const inner = `${width - 2 * STRIP_MARGIN}:${height - 2 * STRIP_MARGIN}`;
  const pad = `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:color=${BACKGROUND}`;
  return `${input}scale=${inner}:force_original_aspect_ratio=decrease,${pad},setsar=1,format=rgb24[t${index}]`;
}

/** The ffmpeg arguments that lay out one row of tiles into `dest` (a PNG). */
export function rowArguments(tiles: StripTile[], dest: string): string[] {
  const { width, height } = STRIP_TILE;
  const inputs: string[] = [];
  const chains: string[] = [];
  let inputCount = 0;
  tiles.forEach((tile, i) => {
    if (tile) {
      inputs.push("-i", tile);
      chains.push(tileFilter(`[${inputCount++}:v]`, i));
    } else {
      const inner = `${width - 2 * STRIP_MARGIN}x${height - 2 * STRIP_MARGIN}`;
      chains.push(tileFilter(`color=c=${PLACEHOLDER}:s=${inner}:d=1,`, i));
    }
  });
  const labels = tiles.map((_, i) => `[t${i}]`).join("");
  chains.push(
    tiles.length === 1 ? `${labels}null[row]` : `${labels}hstack=inputs=${tiles.length}[row]`,
  );
  return pngArguments(inputs, chains, "[row]", dest);
}

/** The ffmpeg arguments that write the first frame of a filter graph's `label` as a PNG. */
function pngArguments(inputs: string[], chains: string[], label: string, dest: string): string[] {
  return [
    ...inputs,
    "-filter_complex",
    chains.join(";"),
    "-map",
    label,
    "-frames:v",
    "1",
    "-f",
    "image2",
    "-c:v",
    "png",
    "-y",
    dest,
  ];
}

/** The ffmpeg arguments that stack row PNGs (the last one may be shorter) into `dest`. */
function stackArguments(rows: string[], fullWidth: number, dest: string): string[] {
  const inputs = rows.flatMap((row) => ["-i", row]);
  const chains = rows.map(
    (_, i) => `[${i}:v]pad=${fullWidth}:${STRIP_TILE.height}:0:0:color=${BACKGROUND}[r${i}]`,
  );
  chains.push(`${rows.map((_, i) => `[r${i}]`).join("")}vstack=inputs=${rows.length}[strip]`);
  return pngArguments(inputs, chains, "[strip]", dest);
}

/** Writes the strip to `dest` (built in a temp folder beside it, then renamed into place). */
export async function writeStrip(
  tiles: StripTile[],
  dest: string,
  options: StripOptions = {},
): Promise<{ width: number; height: number }> {
  const rows: StripTile[][] = [];
  for (let i = 0; i < Math.max(1, tiles.length); i += STRIP_ROW_LENGTH) {
    rows.push(tiles.length === 0 ? [undefined] : tiles.slice(i, i + STRIP_ROW_LENGTH));
  }
  await mkdir(dirname(dest), { recursive: true });
  const work = join(dirname(dest), `.${basename(dest)}.${randomBytes(4).toString("hex")}.partial`);
  await mkdir(work);
  const run = { ...options };
  try {
    const rowFiles: string[] = [];
    for (const [index, row] of rows.entries()) {
      const file = join(work, `row${index}.png`);
      await runFfmpeg(rowArguments(row, file), run);
      rowFiles.push(file);
    }
    const width = Math.min(tiles.length || 1, STRIP_ROW_LENGTH) * STRIP_TILE.width;
    const final = join(work, "strip.png");
    if (rowFiles.length === 1) {
      await rename(rowFiles[0] as string, final);
    } else {
      await runFfmpeg(stackArguments(rowFiles, width, final), run);
    }
    await rename(final, dest);
    return { width, height: rows.length * STRIP_TILE.height };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
