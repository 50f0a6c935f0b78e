#!/usr/bin/env node
// Times validate + resolve of a generated 10,000-shot storyboard (target: under 1 s).
// Run after `npm run build`: node bench/validate-bench.mjs [shots] [runs]
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { checkStoryboard, checkStoryboardSource } from "../dist/manifest/index.js";

const shots = Number(process.argv[2] ?? 10_000);
const runs = Number(process.argv[3] ?? 7);
const models = ["text-to-video", "image-to-video", "reference-to-video"];

function storyboard(count, { broken = false } = {}) {
  const lines = [
    "version: 1",
    "name: bench",
    "defaults:",
    "  model: text-to-video",
    "  duration: 5",
    '  ratio: "16:9"',
    "vars:",
    "  style: cinematic, 35mm film, golden hour",
    "  place: a glass city",
    "shots:",
  ];
  for (let i = 0; i < count; i++) {
    const model = models[i % 3];
    lines.push(`  - id: shot-${i}`, `    model: ${model}`);
    if (model !== "image-to-video") {
      const ref = model === "reference-to-video" ? "[Image 1] " : "";
      lines.push(`    prompt: "${ref}Shot ${i} of {{place}}, slow push-in. {{style}}"`);
    }
    if (model !== "text-to-video") {
      lines.push(`    images: [https://example.com/frames/${i}.jpg]`);
    }
    lines.push(`    duration: ${3 + (i % 13)}`);
    // A broken storyboard: every shot has a misspelt key and an out-of-range value.
    if (broken) lines.push("    promt: typo", "    takes: 9");
  }
  lines.push("stitch:", "  transition: crossfade", "  transition_duration: 0.5", "");
  return lines.join("\n");
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const [load1] = (await import("node:os")).loadavg();
console.log(`load average ${load1.toFixed(2)} on ${(await import("node:os")).cpus().length} cores`);
const dir = await mkdtemp(join(tmpdir(), "gallop-bench-"));
try {
  const file = join(dir, "bench.yaml");
  const source = storyboard(shots);
  await writeFile(file, source);
  const times = [];
  const cpuTimes = [];
  for (let i = 0; i < runs + 1; i++) {
    const start = performance.now();
    const cpu = process.cpuUsage();
    const { storyboard: board, problems } = await checkStoryboard(file);
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    if (i > 0) cpuTimes.push((used.user + used.system) / 1000);
    if (!board || problems.length > 0)
      throw new Error(`bench storyboard invalid: ${problems[0]?.message}`);
    if (board.shots.length !== shots) throw new Error("wrong shot count");
    if (i > 0) times.push(ms); // the first run warms up the JIT and compiles the schema
  }
  console.log(
    `validate+resolve ${shots} shots (${(source.length / 1024).toFixed(0)} KiB): median ${median(times).toFixed(0)} ms, min ${Math.min(...times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms over ${runs} runs; CPU time median ${median(cpuTimes).toFixed(0)} ms (target < 1000 ms)`,
  );

  const broken = storyboard(shots, { broken: true });
  const brokenTimes = [];
  let count = 0;
  for (let i = 0; i < Math.min(runs, 3) + 1; i++) {
    const start = performance.now();
    const { problems } = await checkStoryboardSource(broken, file);
    const ms = performance.now() - start;
    count = problems.length;
    if (i > 0) brokenTimes.push(ms);
  }
  console.log(
    `validate ${shots} broken shots (${count} problems, did-you-mean on each): median ${median(brokenTimes).toFixed(0)} ms`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
