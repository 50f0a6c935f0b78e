/** Poster frames for the contact sheet: one PNG per clip, extracted once and reused. */
import { stat } from "node:fs/promises";
import { extractFrame } from "../media/index.js";

/** Poster width in pixels (the height follows the clip's aspect). */
export const POSTER_WIDTH = 640;
/** Where in the clip the poster is taken: a third in, past fades and the first frame. */
export const POSTER_AT = 1 / 3;

export interface PosterOptions {
  ffmpegPath?: string;
  signal?: AbortSignal;
}

async function mtimeOf(path: string): Promise<number | undefined> {
  return stat(path).then(
    (info) => (info.isFile() ? info.mtimeMs : undefined),
    () => undefined,
  );
}

/**
 * Makes sure `posterPath` holds a frame of `clipPath` taken at a third of `seconds`.
 * Returns "reused" when the poster is newer than the clip, "extracted" otherwise.
 */
export async function ensurePoster(
  clipPath: string,
  seconds: number,
  posterPath: string,
  options: PosterOptions = {},
): Promise<"reused" | "extracted"> {
  const [clip, poster] = await Promise.all([mtimeOf(clipPath), mtimeOf(posterPath)]);
  if (clip !== undefined && poster !== undefined && poster >= clip) return "reused";
  const frameOptions = {
    width: POSTER_WIDTH,
    ...(options.ffmpegPath ? { ffmpegPath: options.ffmpegPath } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  try {
    await extractFrame(clipPath, Math.max(0, seconds * POSTER_AT), posterPath, frameOptions);
  } catch (error) {
    // A clip shorter than the storyboard said has no frame at that time: take its first one.
    if (options.signal?.aborted) throw error;
    await extractFrame(clipPath, 0, posterPath, frameOptions);
  }
  return "extracted";
}
