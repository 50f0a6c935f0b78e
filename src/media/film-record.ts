/**
 * `gallop run` re-stitches only when the film's inputs changed. The inputs — the stitch
 * settings, each clip's path, size and modification time, the soundtrack's, and gallop's
 * version — are hashed and recorded, with the film's own size and mtime, in
 * `.gallop/<stem>.film.json`. `gallop stitch` always stitches (the user asked for it).
 */
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { writeFileAtomic } from "../lock/files.js";
import type { StitchConfig } from "../types.js";

export interface FilmInputs {
  clips: { id: string; path: string }[];
  config: StitchConfig;
}

export interface FilmOutput {
  path: string;
  durationSeconds: number;
  bytes: number;
  mode: string;
}

interface FilmRecord {
  inputs: string;
  film: { size: number; mtimeMs: number };
  result: FilmOutput;
}

async function fileStamp(path: string): Promise<[number, number] | undefined> {
  try {
    const info = await stat(path);
    return [info.size, info.mtimeMs];
  } catch {
    return undefined;
  }
}

/** The hash of everything the film is made from, or undefined when an input is missing. */
export async function filmInputsKey(
  inputs: FilmInputs,
  version: string,
): Promise<string | undefined> {
  const clips: unknown[] = [];
  for (const clip of inputs.clips) {
    const stamp = await fileStamp(clip.path);
    if (!stamp) return undefined;
    clips.push([clip.id, clip.path, ...stamp]);
  }
  const audio = inputs.config.audio;
  const soundtrack = typeof audio === "object" ? await fileStamp(audio.soundtrack) : null;
  if (soundtrack === undefined) return undefined;
  const text = JSON.stringify({ version, config: inputs.config, clips, soundtrack });
  return createHash("sha256").update(text).digest("hex");
}

/**
 * Returns the recorded film (mode "unchanged") when neither its inputs nor the film itself changed since it was
 * made; otherwise stitches and records the new film. A damaged record just means stitching.
 */
export async function stitchUnlessUnchanged<T extends FilmOutput>(
  inputs: FilmInputs,
  options: { recordPath: string; version: string },
  stitch: () => Promise<T>,
): Promise<FilmOutput> {
  const key = await filmInputsKey(inputs, options.version);
  if (key) {
    try {
      const record = JSON.parse(await readFile(options.recordPath, "utf8")) as FilmRecord;
      const film = await fileStamp(inputs.config.output);
      if (
        record.inputs === key &&
        film &&
        film[0] === record.film.size &&
        film[1] === record.film.mtimeMs
      ) {
        return { ...record.result, mode: "unchanged" };
      }
    } catch {
      // no record yet, or an unreadable one: stitch
    }
  }
  const result = await stitch();
  const film = await fileStamp(result.path);
  if (key && film) {
    const { path, durationSeconds, bytes, mode } = result;
    const record: FilmRecord = {
      inputs: key,
      film: { size: film[0], mtimeMs: film[1] },
      result: { path, durationSeconds, bytes, mode },
    };
    await writeFileAtomic(options.recordPath, `${JSON.stringify(record, null, 2)}\n`);
  }
  return result;
}
