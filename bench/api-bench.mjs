#!/usr/bin/env node
// The HppyHorse client and simulator, measured:
//   render     renderClip wall time per clip kind (median of 3), on this machine's cores
//   tasks      200 text-to-video tasks through the real client against the simulator
//              (render: "cache", latency 500 ms ± 20 %, 16 at a time): wall time, generate
//              latency percentiles, status polls per task, downloads verified
//   download   streamed download throughput and peak RSS growth for a 15 s 1080p clip
// Needs `npm run build` first.
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import pLimit from "p-limit";
import { createClient, renderClip, requireResultUrl, startSimulator } from "../dist/index.js";

const dir = await mkdtemp(join(tmpdir(), "gallop-bench-api-"));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const pct = (values, p) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];
const ms = (value) => `${Math.round(value)} ms`;

try {
  console.log(`api bench — node ${process.version}, ${cpus().length} cores`);
  console.log("\nrender (median of 3)");
  const kinds = [
    [
      "text-to-video 1080p 16:9 5 s",
      {
        model: "happyhorse-1-1/text-to-video",
        prompt: "A cinematic sunrise over a glass city, slow drone camera",
        duration: 5,
        resolution: "1080p",
        aspect_ratio: "16:9",
      },
    ],
    [
      "text-to-video 1080p 9:16 15 s",
      {
        model: "happyhorse-1-1/text-to-video",
        prompt: "Vertical, long",
        duration: 15,
        resolution: "1080p",
        aspect_ratio: "9:16",
      },
    ],
    [
      "reference-to-video 720p 21:9 5 s",
      {
        model: "happyhorse-1-1/reference-to-video",
        prompt: "[Image 1] on a table",
        reference_image: ["https://example.com/r.jpg"],
        duration: 5,
        resolution: "720p",
        aspect_ratio: "21:9",
      },
    ],
  ];
  for (const [name, request] of kinds) {
    const times = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      await renderClip(request, join(dir, `render-${i}.mp4`), { audio: true });
      times.push(performance.now() - started);
    }
    console.log(`  ${name.padEnd(36)} ${ms(median(times))}`);
  }

  console.log(
    "\ntasks: 200 through the client, simulator latency 500 ms ±20 %, render cache, 16 at a time",
  );
  const sim = await startSimulator({ latencyMs: 500, jitter: 0.2, render: "cache" });
  try {
    const client = createClient({ baseUrl: sim.url, apiKey: sim.key });
    const limit = pLimit(16);
    const generateTimes = [];
    const polls = [];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        limit(async () => {
          const t0 = performance.now();
          const taskId = await client.generate({
            model: "happyhorse-1-1/text-to-video",
            prompt: `shot ${i}`,
            duration: 3 + (i % 3),
            resolution: "720p",
            aspect_ratio: "16:9",
          });
          generateTimes.push(performance.now() - t0);
          let count = 0;
          const final = await client.waitForResult(taskId, {
            schedule: {
              initialDelayMs: 250,
              intervalMs: 250,
              maxIntervalMs: 500,
              timeoutMs: 60_000,
            },
            onPoll: () => count++,
          });
          polls.push(count);
          await client.download(requireResultUrl(final), join(dir, `task-${i}.mp4`));
        }),
      ),
    );
    const wall = performance.now() - started;
    console.log(`  wall time                            ${ms(wall)}`);
    console.log(
      `  generate latency p50 / p95 / max     ${ms(pct(generateTimes, 0.5))} / ${ms(pct(generateTimes, 0.95))} / ${ms(Math.max(...generateTimes))}`,
    );
    console.log(
      `  status polls per task (mean)         ${(polls.reduce((a, b) => a + b, 0) / polls.length).toFixed(2)}`,
    );
    console.log(`  requests the simulator logged        ${sim.requests.length}`);
    console.log(
      `  tasks created                        ${sim.tasks.length} (one per shot: ${sim.tasks.length === 200})`,
    );
  } finally {
    await sim.close();
  }

  console.log("\ndownload: a 15 s 1080p clip, 20 times, streamed and verified");
  const big = await startSimulator({ latencyMs: 0, jitter: 0, render: "full", audio: "always" });
  try {
    const client = createClient({ baseUrl: big.url, apiKey: big.key });
    const taskId = await client.generate({
      model: "happyhorse-1-1/text-to-video",
      prompt: "A long take with lots of moving detail",
      duration: 15,
      resolution: "1080p",
      aspect_ratio: "16:9",
    });
    const final = await client.waitForResult(taskId, {
      schedule: { initialDelayMs: 100, intervalMs: 100, maxIntervalMs: 100, timeoutMs: 60_000 },
    });
    const url = requireResultUrl(final);
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    let bytes = 0;
    const started = performance.now();
    for (let i = 0; i < 20; i++) bytes += (await client.download(url, join(dir, "big.mp4"))).bytes;
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    console.log(`  file size                            ${(bytes / 20 / 1e6).toFixed(1)} MB`);
    console.log(
      `  throughput                           ${(bytes / 1e6 / seconds).toFixed(0)} MB/s (sha256 + fsync + rename included)`,
    );
    console.log(
      `  peak RSS growth while downloading    ${((peak - rssBefore) / 1e6).toFixed(1)} MB`,
    );
  } finally {
    await big.close();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
