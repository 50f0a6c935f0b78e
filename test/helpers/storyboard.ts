/** Storyboards for tests: fast polling, small identical clips, in a temp folder. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { removeDir, tempDir } from "./tmp.js";

export interface ShotSpec {
  id: string;
  prompt?: string;
  images?: string[];
  model?: string;
  takes?: number;
}

/** A storyboard with fast polling and small, identical clips (the simulator renders them once). */
export function storyboardYaml(shots: ShotSpec[], options: { concurrency?: number } = {}): string {
  const lines = [
    "version: 1",
    "name: crash",
    `concurrency: ${options.concurrency ?? 3}`,
    "defaults:",
    "  model: text-to-video",
    "  duration: 3",
    "  resolution: 720p",
    '  ratio: "16:9"',
    "polling:",
    "  initial_delay: 100ms",
    "  interval: 100ms",
    "  max_interval: 200ms",
    "  timeout: 60s",
    "shots:",
  ];
  for (const shot of shots) {
    lines.push(`  - id: ${shot.id}`);
    if (shot.model) lines.push(`    model: ${shot.model}`);
    lines.push(`    prompt: ${JSON.stringify(shot.prompt ?? `Shot ${shot.id}: a horse gallops`)}`);
    if (shot.images)
      lines.push(`    images: [${shot.images.map((i) => JSON.stringify(i)).join(", ")}]`);
    if (shot.takes) lines.push(`    takes: ${shot.takes}`);
  }
  return `${lines.join("\n")}\n`;
}

export async function tempStoryboard(
  shots: ShotSpec[],
  options: { concurrency?: number } = {},
): Promise<{ dir: string; file: string; cleanup(): Promise<void> }> {
  const dir = await tempDir("gallop-run-");
  const file = join(dir, "crash.yaml");
  await writeFile(file, storyboardYaml(shots, options));
  return { dir, file, cleanup: () => removeDir(dir) };
}
