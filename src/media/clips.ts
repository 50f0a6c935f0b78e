/** Which file stands for each shot of the film. */
import { join } from "node:path";
import { clipFileName } from "../paths.js";
import type { Storyboard } from "../types.js";
import type { StitchClip } from "./stitch.js";

/**
 * The clip of one shot. Today take 1 (`<shot>.mp4`); when picks land (a later issue), this is
 * the one place that consults the lockfile for the picked take.
 */
export function clipPathForShot(storyboard: Storyboard, shotId: string, take = 1): string {
  return join(storyboard.outputDir, clipFileName(shotId, take));
}

/** The clips of the film in `stitch.shots` order. */
export function filmClips(
  storyboard: Storyboard,
  pickedTake: (shotId: string) => number = () => 1,
): StitchClip[] {
  return storyboard.stitch.shots.map((id) => ({
    id,
    path: clipPathForShot(storyboard, id, pickedTake(id)),
  }));
}
