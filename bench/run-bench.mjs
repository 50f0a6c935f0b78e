#!/usr/bin/env node
// The runner, measured against the simulator (render: "cache", no jitter), which runs in a CHILD
// process so that the CPU time and memory printed are the runner's own (the simulator's CPU is
// printed too):
//   wall/ideal   200 shots, concurrency 20: wall time over ceil(shots/concurrency) × latency;
//                wall/floor: over ceil(shots/concurrency) × the first scheduled poll at or after
//                the latency (the part of the ratio the user's polling schedule costs)
//   polls/task   status requests per task (the simulator's own count)
//   cpu, memory  the runner's CPU time (process.cpuUsage) and peak RSS / heap at 1,000 and
//                10,000 shots
// Needs `npm run build` first. Usage: node bench/run-bench.mjs [--quick]
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { createClient, loadStoryboard, runStoryboard } from "../dist/index.js";

const dist = new URL("../dist/index.js", import.meta.url).href;
const quick = process.argv.includes("--quick");

function startSimulatorProcess(latencyMs) {
  const script = `
    import { startSimulator } from ${JSON.stringify(dist)};
    import { createInterface } from "node:readline";
    const sim = await startSimulator({ latencyMs: ${latencyMs}, jitter: 0, render: "cache", audio: "never", renderConcurrency: 2 });
    console.log(JSON.stringify({ url: sim.url, key: sim.key }));
    let cpu = process.cpuUsage();
    for await (const line of createInterface({ input: process.stdin })) {
      if (line === "stats") {
        const count = (kind) => sim.requests.filter((r) => r.endpoint === kind).length;
        const used = process.cpuUsage(cpu);
        cpu = process.cpuUsage();
        console.log(JSON.stringify({ generate: count("generate"), status: count("status"), download: count("download"), cpuMs: (used.user + used.system) / 1000 }));
        sim.requests.length = 0;
      }
      if (line === "exit") { await sim.close(); process.exit(0); }
    }`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => JSON.parse((await lines.next()).value);
  return {
    ready: next(),
    async stats() {
      child.stdin.write("stats\n");
      return next();
    },
    async close() {
      child.stdin.write("exit\n");
      await new Promise((resolve) => child.on("exit", resolve));
    },
  };
}

function storyboardYaml(shots, concurrency, polling) {
  const lines = [
    "version: 1",
    "name: bench",
    `concurrency: ${concurrency}`,
    "defaults: { model: text-to-video, duration: 3, resolution: 720p, ratio: '16:9' }",
    `polling: { initial_delay: ${polling.initial}ms, interval: ${polling.interval}ms, max_interval: ${polling.interval}ms, timeout: 10m }`,
    "shots:",
  ];
  for (let i = 0; i < shots; i++) lines.push(`  - { id: s${i}, prompt: "bench shot ${i}" }`);
  return `${lines.join("\n")}\n`;
}

async function scenario({ shots, concurrency, latencyMs, polling }) {
  const sim = startSimulatorProcess(latencyMs);
  const { url, key } = await sim.ready;
  const dir = await mkdtemp(join(tmpdir(), "gallop-bench-run-"));
  try {
    const file = join(dir, "bench.yaml");
    await writeFile(file, storyboardYaml(shots, concurrency, polling));
    // warm the simulator's render cache so the first batch does not pay for ffmpeg
    const client = createClient({ baseUrl: url, apiKey: key });
    const warm = await client.generate({
      model: "happyhorse-1-1/text-to-video",
      prompt: "warm",
      duration: 3,
      resolution: "720p",
      aspect_ratio: "16:9",
    });
    await client.waitForResult(warm, {
      schedule: { initialDelayMs: 50, intervalMs: 50, maxIntervalMs: 50, timeoutMs: 60_000 },
    });
    await sim.stats();

    const loadStart = performance.now();
    const storyboard = await loadStoryboard(file);
    const loadMs = performance.now() - loadStart;
    let peakRss = 0;
    let peakHeap = 0;
    const sample = () => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    };
    const sampler = setInterval(sample, 25);
    const cpu = process.cpuUsage();
    const start = performance.now();
    let events = 0;
    const result = await runStoryboard(storyboard, {
      client,
      onEvent: () => {
        events += 1;
      },
      stitch: false,
    });
    const wallMs = performance.now() - start;
    const used = process.cpuUsage(cpu);
    clearInterval(sampler);
    sample();
    const stats = await sim.stats();
    const ideal = Math.ceil(shots / concurrency) * latencyMs;
    // The first poll the schedule allows at or after the latency (polls are initial_delay,
    // then interval after each answer): no runner can see a result earlier than that.
    const firstPoll =
      polling.initial +
      Math.ceil(Math.max(0, latencyMs - polling.initial) / polling.interval) * polling.interval;
    const floor = Math.ceil(shots / concurrency) * firstPoll;
    const ok = result.outcomes.filter((o) => o.status === "succeeded").length;
    return {
      shots,
      concurrency,
      latencyMs,
      wallMs,
      ideal,
      floor,
      loadMs,
      cpuMs: (used.user + used.system) / 1000,
      peakRss,
      peakHeap,
      stats,
      ok,
      events,
      exitCode: result.exitCode,
    };
  } finally {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const mb = (b) => `${(b / 1024 / 1024).toFixed(0)} MB`;
function print(label, r) {
  console.log(
    `${label}: ${r.shots} shots, concurrency ${r.concurrency}, latency ${r.latencyMs} ms — ` +
      `wall ${(r.wallMs / 1000).toFixed(2)} s, ideal ${(r.ideal / 1000).toFixed(2)} s, ratio ${(r.wallMs / r.ideal).toFixed(3)} ` +
      `(poll-schedule floor ${(r.floor / 1000).toFixed(2)} s, wall/floor ${(r.wallMs / r.floor).toFixed(3)}); ` +
      `polls/task ${(r.stats.status / r.stats.generate).toFixed(2)}; generates ${r.stats.generate}, downloads ${r.stats.download}, succeeded ${r.ok}, exit ${r.exitCode}; ` +
      `runner CPU ${(r.cpuMs / 1000).toFixed(2)} s (${(r.cpuMs / r.shots).toFixed(2)} ms/shot), simulator CPU ${(r.stats.cpuMs / 1000).toFixed(2)} s, peak RSS ${mb(r.peakRss)}, peak heap ${mb(r.peakHeap)}; ` +
      `storyboard load ${Math.round(r.loadMs)} ms; ${r.events} events`,
  );
}

console.log(`run bench — node ${process.version}, ${cpus().length} cores`);
print(
  "ratio  ",
  await scenario({
    shots: 200,
    concurrency: 20,
    latencyMs: 1000,
    polling: { initial: 50, interval: 50 },
  }),
);
print(
  "ratio  ",
  await scenario({
    shots: 200,
    concurrency: 20,
    latencyMs: 500,
    polling: { initial: 50, interval: 50 },
  }),
);
print(
  "scale  ",
  await scenario({
    shots: 1000,
    concurrency: 50,
    latencyMs: 500,
    polling: { initial: 250, interval: 100 },
  }),
);
if (!quick) {
  print(
    "scale  ",
    await scenario({
      shots: 10000,
      concurrency: 64,
      latencyMs: 500,
      polling: { initial: 250, interval: 100 },
    }),
  );
}
