import { readFile, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/api/index.js";
import { TaskNotFoundError } from "../../src/errors.js";
import { loadLock, parseLock, serializeLock } from "../../src/lock/index.js";
import { loadStoryboard } from "../../src/manifest/index.js";
import { lockPathFor } from "../../src/paths.js";
import { planRun, runStoryboard } from "../../src/run/index.js";
import { DEFAULT_POLLING } from "../../src/types.js";
import { generates, useSimulator } from "../helpers/simulator.js";
import { tempStoryboard } from "../helpers/storyboard.js";

const sim = useSimulator({ latencyMs: 300, jitter: 0, render: "cache", audio: "never" });
const client = () => createClient({ baseUrl: sim.url, apiKey: sim.key, requestTimeoutMs: 5_000 });
const fast = { initialDelayMs: 50, intervalMs: 50, maxIntervalMs: 100, timeoutMs: 20_000 };

describe("a 404 on status: young task or expired task", () => {
  it("the client retries a young task's 404 within its grace period, and not after it", async () => {
    const taskId = await client().generate({
      model: "happyhorse-1-1/text-to-video",
      prompt: "a horse on a beach",
      duration: 3,
      resolution: "720p",
      aspect_ratio: "16:9",
    });
    sim.addFaults({ kind: "not-found", endpoint: "status", times: 2 });
    const status = await client().waitForResult(taskId, {
      schedule: fast,
      notFoundGraceUntil: Date.now() + 60_000,
    });
    expect(status.phase).toBe("success");

    sim.addFaults({ kind: "not-found", endpoint: "status", times: 1 });
    await expect(
      client().waitForResult(taskId, { schedule: fast, notFoundGraceUntil: Date.now() - 1 }),
    ).rejects.toBeInstanceOf(TaskNotFoundError);
  });

  it("a run whose fresh task briefly answers 404 succeeds without a second payment", async () => {
    const sb = await tempStoryboard([{ id: "young" }]);
    try {
      const before = sim.requests.length;
      sim.addFaults({ kind: "not-found", endpoint: "status", times: 2 });
      const storyboard = await loadStoryboard(sb.file);
      const result = await runStoryboard(storyboard, { client: client(), polling: fast });
      expect(result.outcomes.map((o) => o.status)).toEqual(["succeeded"]);
      expect(generates(sim.requests.slice(before))).toHaveLength(1);
    } finally {
      await sb.cleanup();
    }
  });

  it("a task submitted long ago that the API no longer knows becomes expired, then a paid retry", async () => {
    const sb = await tempStoryboard([{ id: "old" }]);
    try {
      const storyboard = await loadStoryboard(sb.file);
      // First run: the poll deadline passes, so the take stays `submitted` with its task id.
      const first = await runStoryboard(storyboard, {
        client: client(),
        polling: { ...DEFAULT_POLLING, initialDelayMs: 0, timeoutMs: 1 },
      });
      expect(first.outcomes[0]?.status).not.toBe("succeeded");
      // Make it a task from long ago that the API has forgotten.
      const lockPath = lockPathFor(sb.file);
      const lock = parseLock(await readFile(lockPath, "utf8"), lockPath);
      const take = lock.shots[0]?.takes[0];
      expect(take?.state).toBe("submitted");
      if (!take) throw new Error("no take");
      take.task_id = "forgotten-task";
      take.submitted_at = "2026-01-01T00:00:00.000Z";
      await writeFile(lockPath, serializeLock(lock));

      const before = sim.requests.length;
      const second = await runStoryboard(storyboard, { client: client(), polling: fast });
      expect(second.outcomes.map((o) => o.status)).toEqual(["expired"]);
      expect(generates(sim.requests.slice(before))).toHaveLength(0);

      const { state } = await loadLock(lockPath, sb.file);
      expect(state.lock.shots[0]?.takes[0]?.state).toBe("expired");
      const plan = planRun(storyboard, state);
      expect(plan.actions.map((a) => a.kind)).toEqual(["retry"]);
    } finally {
      await sb.cleanup();
    }
  });
});
