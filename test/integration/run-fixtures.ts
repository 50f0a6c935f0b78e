/** Shared by the runner's integration and e2e tests: temp storyboards and request-log checks. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { canonicalJson } from "../../src/manifest/index.js";
import type { SimRequest } from "../../src/simulator/index.js";

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
  const dir = await mkdtemp(join(tmpdir(), "gallop-run-"));
  const file = join(dir, "crash.yaml");
  await writeFile(file, storyboardYaml(shots, options));
  return { dir, file, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export const generates = (requests: SimRequest[]) =>
  requests.filter((r) => r.endpoint === "generate" && r.taskId);
export const generateAttempts = (requests: SimRequest[]) =>
  requests.filter((r) => r.endpoint === "generate");
export const downloads = (requests: SimRequest[]) =>
  requests.filter((r) => r.endpoint === "download" && r.method === "GET" && r.status === 200);

/** How many times each distinct request body was submitted. */
export function submissionsPerBody(requests: SimRequest[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of generateAttempts(requests)) {
    const key = canonicalJson(r.body);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
