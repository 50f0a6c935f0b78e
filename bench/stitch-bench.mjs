#!/usr/bin/env node
// Stitching speed: the same 20 clips of 5 s at 1080p (rendered once by the simulator, cached
// in the temp folder), joined three ways:
//   copy       gallop's copy path (concat demuxer, stream copy, verified)
//   reencode   a straightforward re-encode of the same join (concat + libx264 default preset)
//   normalise  gallop's normalise path on the same clips (forced with stitch.fps: 25)
// Needs `npm run build` first. Prints the times and the ratios.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { locateBinary, runFfmpeg, stitchFilm } from "../dist/index.js";

const CLIPS = 20;
const SECONDS = 5;
const cache = join(tmpdir(), "gallop-bench-stitch-1080p-v1");

async function loadRenderClip() {
  for (const path of ["../dist/simulator/index.js", "../dist/simulator/render.js"]) {
    const module = await import(path).catch(() => ({}));
    if (module.renderClip) return module.renderClip;
  }
  throw new Error("the simulator's renderClip was not found in dist/ (run npm run build)");
}

async function clips() {
  await mkdir(cache, { recursive: true });
  const renderClip = await loadRenderClip();
  const list = [];
  for (let i = 0; i < CLIPS; i++) {
    const path = join(cache, `shot${String(i + 1).padStart(2, "0")}.mp4`);
    if (!existsSync(path)) {
      await renderClip(
        {
          model: "happyhorse-1-1/text-to-video",
          prompt: `Bench shot ${i + 1}: a horse gallops across a beach at dawn`,
          duration: SECONDS,
          resolution: "1080p",
          aspect_ratio: "16:9",
        },
        path,
        { audio: true },
      );
    }
    list.push({ id: `shot${i + 1}`, path });
  }
  return list;
}

async function timed(fn) {
  const start = performance.now();
  const value = await fn();
  return { seconds: (performance.now() - start) / 1000, value };
}

const shots = await clips();
const work = await mkdtemp(join(tmpdir(), "gallop-bench-stitch-"));
try {
  const config = (output, extra = {}) => ({
    output: join(work, output),
    shots: shots.map((s) => s.id),
    transition: "none",
    transitionDuration: 0.5,
    audio: "keep",
    audioVolume: 1,
    ...extra,
  });
  const copy = await timed(() => stitchFilm({ clips: shots, config: config("copy.mp4") }));
  if (copy.value.mode !== "copy") throw new Error(`expected the copy path, got ${copy.value.mode}`);

  const list = join(work, "list.txt");
  await writeFile(list, shots.map((s) => `file '${s.path.replaceAll("'", "'\\''")}'`).join("\n"));
  const reencode = await timed(() =>
    runFfmpeg(
      [
        "-f",
        "concat",
        "-safe",
        "0",
        "-i",
        list,
        "-c:v",
        "libx264",
        "-c:a",
        "aac",
        "-y",
        join(work, "reencode.mp4"),
      ],
      { ffmpegPath: locateBinary("ffmpeg").path },
    ),
  );
  const normalise = await timed(() =>
    stitchFilm({ clips: shots, config: config("normalise.mp4", { fps: 25 }) }),
  );

  const film = CLIPS * SECONDS;
  console.log(
    `stitch bench: ${CLIPS} clips x ${SECONDS} s at 1080p (${film} s of film), ffmpeg ${locateBinary("ffmpeg").path}`,
  );
  console.log(`  copy path (gallop, concat + stream copy):      ${copy.seconds.toFixed(2)} s`);
  console.log(`  re-encode (concat + libx264 default preset):   ${reencode.seconds.toFixed(2)} s`);
  console.log(`  normalise path (gallop, one graph, veryfast):  ${normalise.seconds.toFixed(2)} s`);
  console.log(
    `  re-encode / copy ratio:                        ${(reencode.seconds / copy.seconds).toFixed(1)}x`,
  );
  console.log(
    `  normalise / copy ratio:                        ${(normalise.seconds / copy.seconds).toFixed(1)}x`,
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
