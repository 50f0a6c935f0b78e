/** Where gallop keeps things, derived from the storyboard's path (ARCHITECTURE.md, "Files a run leaves"). */
import { basename, dirname, extname, join } from "node:path";

/** `teaser.yaml` → `teaser` */
export function storyboardStem(storyboardFile: string): string {
  return basename(storyboardFile, extname(storyboardFile));
}

/** `dir/teaser.yaml` → `dir/teaser.lock` (committed beside the storyboard). */
export function lockPathFor(storyboardFile: string): string {
  return join(dirname(storyboardFile), `${storyboardStem(storyboardFile)}.lock`);
}

/** `dir/.gallop/` — local state (journal, run lock), git-ignored. */
export function stateDirFor(storyboardFile: string): string {
  return join(dirname(storyboardFile), ".gallop");
}

/** The clip file of a take: take 1 is `<shot>.mp4`, take N is `<shot>.take<N>.mp4`. */
export function clipFileName(shotId: string, take: number): string {
  return take === 1 ? `${shotId}.mp4` : `${shotId}.take${take}.mp4`;
}
