import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/api/index.js";
import { InputError } from "../../src/errors.js";
import { parseLock } from "../../src/lock/index.js";
import { loadStoryboard } from "../../src/manifest/index.js";
import { lockPathFor } from "../../src/paths.js";
import { type RunEvent, runStoryboard } from "../../src/run/index.js";
import { downloads, generateAttempts, generates, useSimulator } from "../helpers/simulator.js";
import { storyboardYaml, tempStoryboard } from "../helpers/storyboard.js";

const sim = useSimulator({ latencyMs: 200, jitter: 0.5, render: "cache", audio: "never" });

function client(options: { key?: string; requestTimeoutMs?: number } = {}) {
  return createClient({
    baseUrl: sim.url,
    apiKey: options.key ?? sim.key,
    requestTimeoutMs: options.requestTimeoutMs ?? 5_000,
  });
}

async function run(file: string, extra: Partial<Parameters<typeof runStoryboard>[1]> = {}) {
  const storyboard = await loadStoryboard(file);
  const events: RunEvent[] = [];
  const result = await runStoryboard(storyboard, {
    client: client(),
    onEvent: (e) => events.push(e),
    ...extra,
  });
  return { result, events, storyboard };
}

describe("runStoryboard against the simulator", () => {
  it("runs, then resumes with nothing to pay; the lock bytes do not change", async () => {
    const sb = await tempStoryboard([{ id: "a" }, { id: "b", takes: 2 }, { id: "c" }]);
    try {
      const before = sim.requests.length;
      const first = await run(sb.file);
      expect(first.result.exitCode).toBe(0);
      expect(first.result.outcomes.map((o) => `${o.shot}#${o.take}:${o.status}`)).toEqual([
        "a#1:succeeded",
        "b#1:succeeded",
        "b#2:succeeded",
        "c#1:succeeded",
      ]);
      const mine = sim.requests.slice(before);
      expect(generates(mine)).toHaveLength(4);
      expect(downloads(mine)).toHaveLength(4);
      const lockPath = lockPathFor(sb.file);
      const lockText = await readFile(lockPath, "utf8");
      const lock = parseLock(lockText, lockPath);
      expect(lock.shots.map((s) => s.id)).toEqual(["a", "b", "c"]);
      expect(lock.shots[1]?.takes[1]?.clip).toBe("out/crash/b.take2.mp4");
      expect(existsSync(join(sb.dir, "out/crash/b.take2.mp4"))).toBe(true);
      expect(existsSync(join(sb.dir, ".gallop/crash.journal"))).toBe(false);

      const again = sim.requests.length;
      const second = await run(sb.file);
      expect(second.result.exitCode).toBe(0);
      expect(second.result.plan.summary.byKind.skip).toBe(4);
      expect(sim.requests.length).toBe(again);
      expect(await readFile(lockPath, "utf8")).toBe(lockText);
    } finally {
      await sb.cleanup();
    }
  });

  it("regenerates only the shot whose prompt changed, naming the field", async () => {
    const sb = await tempStoryboard([{ id: "a" }, { id: "b" }]);
    try {
      await run(sb.file);
      const oldTask = parseLock(await readFile(lockPathFor(sb.file), "utf8"), "x").shots[1]
        ?.takes[0]?.task_id;
      await writeFile(
        sb.file,
        storyboardYaml([{ id: "a" }, { id: "b", prompt: "A different prompt" }]),
      );
      const before = sim.requests.length;
      const { result } = await run(sb.file);
      expect(result.exitCode).toBe(0);
      const regen = result.plan.actions.find((a) => a.kind === "regenerate");
      expect(regen).toMatchObject({ shot: "b", changed: ["prompt"] });
      expect(result.plan.actions.find((a) => a.shot === "a")?.kind).toBe("skip");
      const mine = generates(sim.requests.slice(before));
      expect(mine).toHaveLength(1);
      expect(mine[0]?.body).toMatchObject({ prompt: "A different prompt" });
      const take = parseLock(await readFile(lockPathFor(sb.file), "utf8"), "x").shots[1]?.takes[0];
      expect(take?.history?.[0]).toMatchObject({
        task_id: oldTask,
        reason: "regenerated: prompt changed",
      });
    } finally {
      await sb.cleanup();
    }
  });

  it("downloads a deleted clip again without a new generation", async () => {
    const sb = await tempStoryboard([{ id: "a" }, { id: "b" }]);
    try {
      await run(sb.file);
      const clip = join(sb.dir, "out/crash/b.mp4");
      const original = await readFile(clip);
      await rm(clip);
      const before = sim.requests.length;
      const { result } = await run(sb.file);
      expect(result.exitCode).toBe(0);
      expect(result.plan.actions.find((a) => a.shot === "b")?.kind).toBe("download");
      const mine = sim.requests.slice(before);
      expect(generateAttempts(mine)).toHaveLength(0);
      expect(downloads(mine)).toHaveLength(1);
      expect(await readFile(clip)).toEqual(original);
    } finally {
      await sb.cleanup();
    }
  });

  it("marks a lost POST answer uncertain and resubmits it only when asked", async () => {
    const sb = await tempStoryboard([{ id: "a" }]);
    try {
      sim.addFaults({ kind: "no-response", endpoint: "generate" });
      const first = await run(sb.file, { client: client({ requestTimeoutMs: 500 }) });
      expect(first.result.exitCode).toBe(1);
      expect(first.result.outcomes[0]?.status).toBe("uncertain");
      expect(first.events.some((e) => e.event === "uncertain")).toBe(true);

      const before = sim.requests.length;
      const second = await run(sb.file);
      expect(second.result.exitCode).toBe(1);
      expect(second.result.plan.actions[0]?.kind).toBe("uncertain");
      expect(generateAttempts(sim.requests.slice(before))).toHaveLength(0);

      const third = await run(sb.file, { resubmitUncertain: true });
      expect(third.result.exitCode).toBe(0);
      expect(generates(sim.requests.slice(before))).toHaveLength(1);
      const take = parseLock(await readFile(lockPathFor(sb.file), "utf8"), "x").shots[0]?.takes[0];
      expect(take?.state).toBe("succeeded");
      expect(take?.history?.[0]).toMatchObject({
        state: "uncertain",
        reason: "resubmitted with --resubmit-uncertain",
      });
    } finally {
      await sb.cleanup();
    }
  });

  it("stops everything when the key is rejected", async () => {
    const sb = await tempStoryboard([{ id: "a" }, { id: "b" }, { id: "c" }], { concurrency: 1 });
    try {
      const before = sim.requests.length;
      const { result } = await run(sb.file, { client: client({ key: "wrong-key" }) });
      expect(result.exitCode).toBe(1);
      expect(result.authError).toMatch(/rejected/i);
      expect(result.authError).not.toContain("wrong-key");
      expect(generateAttempts(sim.requests.slice(before))).toHaveLength(1);
      expect(result.outcomes.map((o) => o.status)).toEqual([
        "failed",
        "not-started",
        "not-started",
      ]);
    } finally {
      await sb.cleanup();
    }
  });

  it("stops before submitting anything when local images have no uploader", async () => {
    const sb = await tempStoryboard([
      { id: "a" },
      { id: "pic", model: "image-to-video", images: ["still.png"] },
    ]);
    try {
      await writeFile(join(sb.dir, "still.png"), Buffer.from("89504e470d0a1a0a", "hex"));
      const before = sim.requests.length;
      const error = await run(sb.file).catch((e: Error) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(/This local image needs a public URL .*still\.png/);
      expect((error as Error).message).toContain("upload:");
      expect(generateAttempts(sim.requests.slice(before))).toHaveLength(0);
      expect(existsSync(join(sb.dir, ".gallop/crash.run.lock"))).toBe(false);
    } finally {
      await sb.cleanup();
    }
  });

  it("stops submitting when aborted and resumes by polling the same tasks", async () => {
    const sb = await tempStoryboard(
      Array.from({ length: 6 }, (_, i) => ({ id: `s${i}` })),
      { concurrency: 2 },
    );
    try {
      const stop = new AbortController();
      const before = sim.requests.length;
      const first = await run(sb.file, {
        signal: stop.signal,
        onEvent: (e) => {
          if (e.event === "submitted") stop.abort();
        },
      });
      expect(first.result.exitCode).toBe(130);
      expect(first.result.interrupted).toBe(true);
      const submittedFirst = generates(sim.requests.slice(before)).length;
      expect(submittedFirst).toBeGreaterThanOrEqual(1);
      expect(submittedFirst).toBeLessThanOrEqual(2);
      const second = await run(sb.file);
      expect(second.result.exitCode).toBe(0);
      expect(second.result.plan.summary.byKind.poll).toBe(submittedFirst);
      expect(generates(sim.requests.slice(before))).toHaveLength(6);
    } finally {
      await sb.cleanup();
    }
  });
});
