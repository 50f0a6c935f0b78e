#!/usr/bin/env node
// The contact sheet, measured:
//   page     build + render the HTML for 5,000 shots × 2 takes (pure, no ffmpeg): time, size
//   report   writeReport on 24 real 720p 3 s clips: cold (every poster extracted) and warm
//            (every poster reused), wall time and posters per second
//   strip    writeStrip of 100 tiles (4 rows of 30, grey and poster tiles mixed)
// Needs `npm run build` first.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import {
  buildReportModel,
  loadStoryboard,
  renderClip,
  renderReportHtml,
  sha256File,
  takeKey,
  writeReport,
  writeStrip,
} from "../dist/index.js";

const dir = await mkdtemp(join(tmpdir(), "gallop-bench-report-"));
const ms = (value) => `${Math.round(value)} ms`;
const storyboardText = (count, takes) =>
  `version: 1\nname: bench\ndefaults:\n  model: text-to-video\n  duration: 3\n  resolution: 720p\n  ratio: "16:9"\n  takes: ${takes}\nshots:\n${Array.from(
    { length: count },
    (_, i) => `  - id: shot-${i}\n    prompt: Shot number ${i} <with> "markup" & quotes.\n`,
  ).join("")}`;

function lockFor(storyboard) {
  return {
    version: 1,
    storyboard: "bench.yaml",
    uploads: {},
    shots: storyboard.shots.map((shot) => ({
      id: shot.id,
      fingerprint: shot.fingerprint,
      takes: Array.from({ length: shot.takes }, (_, t) => ({
        take: t + 1,
        state: "succeeded",
        fingerprint: shot.fingerprint,
        request: shot.request,
        task_id: `task-${shot.id}-${t + 1}`,
        submitted_at: "2025-01-01T00:00:00Z",
        finished_at: "2025-01-01T00:01:00Z",
        clip: `out/bench/${shot.id}.mp4`,
        bytes: 1,
        sha256: "0".repeat(64),
      })),
    })),
  };
}

try {
  console.log(`report bench — node ${process.version}, ${cpus().length} cores`);

  const bigFile = join(dir, "big", "bench.yaml");
  await mkdir(join(dir, "big"));
  await writeFile(bigFile, storyboardText(5000, 2));
  const big = await loadStoryboard(bigFile);
  const lock = lockFor(big);
  const clips = new Map();
  const posters = new Map();
  for (const shot of big.shots) {
    for (const n of [1, 2]) {
      clips.set(takeKey(shot.id, n), `${shot.id}.take${n}.mp4`);
      posters.set(takeKey(shot.id, n), `posters/${shot.id}.take${n}.png`);
    }
  }
  let start = performance.now();
  const html = renderReportHtml(
    buildReportModel(big, lock, {
      clips,
      posters,
      film: { href: "bench.mp4", exists: true, stale: false },
    }),
  );
  console.log(
    `\npage     5,000 shots × 2 takes: ${ms(performance.now() - start)}, ${(html.length / 1e6).toFixed(1)} MB of HTML`,
  );

  const smallFile = join(dir, "small", "bench.yaml");
  await mkdir(join(dir, "small"));
  await writeFile(smallFile, storyboardText(24, 1));
  const small = await loadStoryboard(smallFile);
  await mkdir(small.outputDir, { recursive: true });
  await Promise.all(
    small.shots.map((shot) => renderClip(shot.request, join(small.outputDir, `${shot.id}.mp4`))),
  );
  const smallLock = lockFor(small);
  for (const shot of smallLock.shots) {
    const take = shot.takes[0];
    const file = join(small.outputDir, `${shot.id}.mp4`);
    take.bytes = (await readFile(file)).length;
    take.sha256 = await sha256File(file);
  }
  start = performance.now();
  const cold = await writeReport(small, smallLock);
  const coldMs = performance.now() - start;
  console.log(
    `report   24 clips, cold: ${ms(coldMs)} (${cold.extracted} posters extracted, ${(cold.extracted / (coldMs / 1000)).toFixed(1)} posters/s, strip included)`,
  );
  start = performance.now();
  const warm = await writeReport(small, smallLock);
  console.log(
    `report   24 clips, warm: ${ms(performance.now() - start)} (${warm.extracted} extracted, ${warm.posters} reused)`,
  );

  const poster = join(small.outputDir, "posters", "shot-0.take1.png");
  const tiles = Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? undefined : poster));
  start = performance.now();
  const size = await writeStrip(tiles, join(dir, "strip.png"));
  console.log(
    `strip    100 tiles: ${ms(performance.now() - start)} → ${size.width}x${size.height} px`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
