import { readdir } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { beforeEach, describe, expect, it } from "vitest";
import { createClient, type PollEvent, requireResultUrl } from "../../src/api/index.js";
import {
  AuthError,
  BadRequestError,
  DownloadError,
  PollTimeoutError,
  RateLimitedError,
  TaskFailedError,
  TaskNotFoundError,
  TransientError,
  UncertainSubmissionError,
} from "../../src/errors.js";
import { type Simulator, startSimulator } from "../../src/simulator/index.js";
import type { GenerateRequest, PollingConfig } from "../../src/types.js";
import { useSimulator } from "../helpers/simulator.js";
import { useTempDir } from "../helpers/tmp.js";

const request: GenerateRequest = {
  model: "happyhorse-1-1/text-to-video",
  prompt: "A horse made of light gallops across a salt flat",
  duration: 3,
  resolution: "720p",
  aspect_ratio: "16:9",
};
const fast: PollingConfig = {
  initialDelayMs: 20,
  intervalMs: 50,
  maxIntervalMs: 100,
  timeoutMs: 20_000,
};

/** A real sleep, shortened, that records what the client asked for. */
function recordingSleep() {
  const slept: number[] = [];
  const sleep = async (ms: number, signal?: AbortSignal) => {
    slept.push(ms);
    await delay(Math.min(ms, 20), undefined, { signal });
  };
  return { slept, sleep };
}

describe("client fault handling against the simulator", () => {
  const sim = useSimulator({ latencyMs: 100, jitter: 0, render: "cache" });
  const tmp = useTempDir("gallop-api-faults-");
  let before = 0;
  beforeEach(() => {
    before = sim.requests.length;
  });
  const newRequests = () => sim.requests.slice(before);
  const generates = () => newRequests().filter((r) => r.endpoint === "generate");
  const client = (extra: Partial<Parameters<typeof createClient>[0]> = {}) =>
    createClient({ baseUrl: sim.url, apiKey: sim.key, ...extra });

  describe("generate", () => {
    it("retries a 429 after the Retry-After seconds, then succeeds with one task", async () => {
      sim.addFaults({ kind: "429", endpoint: "generate", times: 2, retryAfter: 1 });
      const { slept, sleep } = recordingSleep();
      const taskId = await client({ sleep }).generate(request);
      expect(slept).toEqual([1000, 1000]);
      expect(generates().map((r) => r.status)).toEqual([429, 429, 200]);
      expect(
        generates()
          .filter((r) => r.taskId)
          .map((r) => r.taskId),
      ).toEqual([taskId]);
    });

    it("honours a Retry-After given as an HTTP-date", async () => {
      const date = new Date(Date.now() + 3000).toUTCString();
      sim.addFaults({ kind: "429", endpoint: "generate", retryAfter: date });
      const { slept, sleep } = recordingSleep();
      await client({ sleep }).generate(request);
      expect(slept).toHaveLength(1);
      expect(slept[0]).toBeGreaterThan(1000);
      expect(slept[0]).toBeLessThanOrEqual(3000);
    });

    it("gives up with RateLimitedError when Retry-After exceeds the longest wait", async () => {
      sim.addFaults({ kind: "429", endpoint: "generate", retryAfter: 3600 });
      const error = await client()
        .generate(request)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimitedError);
      expect((error as RateLimitedError).retryAfterMs).toBe(3_600_000);
      expect(generates()).toHaveLength(1);
    });

    for (const status of ["502", "503", "504"] as const) {
      it(`retries a ${status} with backoff, then succeeds with one task`, async () => {
        sim.addFaults({ kind: status, endpoint: "generate", times: 2 });
        const { slept, sleep } = recordingSleep();
        const taskId = await client({ sleep }).generate(request);
        expect(slept).toHaveLength(2);
        expect(generates().map((r) => r.status)).toEqual([Number(status), Number(status), 200]);
        expect(sim.tasks.filter((t) => t.id === taskId)).toHaveLength(1);
      });
    }

    it("stops after the bounded number of attempts when 503 persists", async () => {
      sim.addFaults({ kind: "503", endpoint: "generate", times: 3 });
      const { sleep } = recordingSleep();
      const error = await client({ sleep, generateAttempts: 3 })
        .generate(request)
        .catch((e) => e);
      expect(error).toBeInstanceOf(TransientError);
      expect((error as TransientError).httpStatus).toBe(503);
      expect(generates()).toHaveLength(3);
    });

    it("reports a 500 as uncertain and does not retry it", async () => {
      sim.addFaults({ kind: "500", endpoint: "generate" });
      const error = await client()
        .generate(request)
        .catch((e) => e);
      expect(error).toBeInstanceOf(UncertainSubmissionError);
      expect(generates()).toHaveLength(1);
    });

    it("reports HTTP 200 with envelope code 500 as uncertain and does not retry it", async () => {
      sim.addFaults({ kind: "envelope-500", endpoint: "generate" });
      const error = await client()
        .generate(request)
        .catch((e) => e);
      expect(error).toBeInstanceOf(UncertainSubmissionError);
      expect((error as Error).message).toContain("error code 500");
      expect(generates()).toHaveLength(1);
    });

    it("reports a reset before the body was read as uncertain (and no task exists)", async () => {
      const tasksBefore = sim.tasks.length;
      sim.addFaults({ kind: "reset-before-body", endpoint: "generate" });
      const error = await client()
        .generate(request)
        .catch((e) => e);
      expect(error).toBeInstanceOf(UncertainSubmissionError);
      expect(generates()).toHaveLength(1);
      expect(sim.tasks.length).toBe(tasksBefore);
    });

    it("reports a reset after the body was read as uncertain — and the task WAS created", async () => {
      sim.addFaults({ kind: "reset-after-body", endpoint: "generate" });
      const error = await client()
        .generate(request)
        .catch((e) => e);
      expect(error).toBeInstanceOf(UncertainSubmissionError);
      expect((error as Error).message).toContain("will not resubmit");
      const [only] = generates();
      expect(generates()).toHaveLength(1);
      expect(only?.status).toBe(0);
      expect(only?.taskId).toBeTruthy();
      expect(sim.tasks.some((t) => t.id === only?.taskId)).toBe(true);
    });

    it("reports an accepted generate whose answer never arrives as uncertain after the request timeout", async () => {
      sim.addFaults({ kind: "no-response", endpoint: "generate" });
      const started = Date.now();
      const error = await client({ requestTimeoutMs: 300 })
        .generate(request)
        .catch((e) => e);
      expect(error).toBeInstanceOf(UncertainSubmissionError);
      expect((error as Error).message).toContain("did not answer within 300 ms");
      expect(Date.now() - started).toBeLessThan(5000);
      const [only] = generates();
      expect(generates()).toHaveLength(1);
      expect(sim.tasks.some((t) => t.id === only?.taskId)).toBe(true);
    });

    it("reports a generate interrupted by the caller mid-request as uncertain, but not one never sent", async () => {
      sim.addFaults({ kind: "no-response", endpoint: "generate" });
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error("Ctrl-C")), 150);
      const error = await client()
        .generate(request, { signal: controller.signal })
        .catch((e) => e);
      expect(error).toBeInstanceOf(UncertainSubmissionError);
      expect((error as Error).message).toContain("interrupted");
      expect(generates()[0]?.taskId).toBeTruthy();
      const before = sim.requests.length;
      const early = await client()
        .generate(request, { signal: AbortSignal.abort(new Error("already stopped")) })
        .catch((e) => e);
      expect((early as Error).message).toBe("already stopped");
      expect(sim.requests.length).toBe(before);
    });

    it("fails a 400 with the API's own message and does not retry it", async () => {
      const error = await client()
        .generate({ ...request, duration: 20 })
        .catch((e) => e);
      expect(error).toBeInstanceOf(BadRequestError);
      expect((error as Error).message).toContain(
        '"duration" 20 is outside the supported range 3-15',
      );
      expect(generates()).toHaveLength(1);
    });

    it("rejects a wrong key with AuthError that never contains the key", async () => {
      const secret = "sk-live-do-not-print-me";
      const error = await createClient({ baseUrl: sim.url, apiKey: secret })
        .generate(request)
        .catch((e) => e);
      expect(error).toBeInstanceOf(AuthError);
      expect((error as AuthError).httpStatus).toBe(401);
      expect(String((error as Error).message)).not.toContain(secret);
      expect(JSON.stringify(sim.requests)).not.toContain(secret);
      const statusError = await createClient({ baseUrl: sim.url, apiKey: secret })
        .waitForResult("whatever", { schedule: fast })
        .catch((e) => e);
      expect(statusError).toBeInstanceOf(AuthError);
      expect(String((statusError as Error).message)).not.toContain(secret);
    });

    it("drops undefined fields and never sends aspect_ratio for image-to-video", async () => {
      const image = {
        model: "happyhorse-1-1/image-to-video",
        image_urls: ["https://example.com/source-image.jpg"],
        prompt: undefined,
        duration: 3,
        resolution: "720p",
        aspect_ratio: "16:9",
      } as unknown as GenerateRequest;
      await client().generate(image);
      expect(generates()[0]?.body).toEqual({
        model: "happyhorse-1-1/image-to-video",
        image_urls: ["https://example.com/source-image.jpg"],
        duration: 3,
        resolution: "720p",
      });
    });
  });

  describe("connection refused", () => {
    it("retries a generate that could not connect (nothing sent) until the server is up", async () => {
      const port = await freePort();
      const { slept, sleep } = recordingSleep();
      let late: Simulator | undefined;
      const sleepThenStart = async (ms: number, signal?: AbortSignal) => {
        await sleep(ms, signal);
        if (slept.length === 2 && !late) {
          late = await startSimulator({ port, key: "late-key", latencyMs: 100, render: "cache" });
        }
      };
      try {
        const lateClient = createClient({
          baseUrl: `http://127.0.0.1:${port}`,
          apiKey: "late-key",
          sleep: sleepThenStart,
        });
        const taskId = await lateClient.generate(request);
        expect(slept.length).toBe(2);
        expect(
          late?.requests.filter((r) => r.endpoint === "generate").map((r) => r.taskId),
        ).toEqual([taskId]);
      } finally {
        await late?.close();
      }
    });

    it("ends with a TransientError marked notSent when the server never comes up", async () => {
      const port = await freePort();
      const { sleep } = recordingSleep();
      const error = await createClient({
        baseUrl: `http://127.0.0.1:${port}`,
        apiKey: "k",
        sleep,
        generateAttempts: 3,
      })
        .generate(request)
        .catch((e) => e);
      expect(error).toBeInstanceOf(TransientError);
      expect((error as TransientError).notSent).toBe(true);
      expect((error as Error).message).toContain("nothing was sent");
    });
  });

  describe("status and waitForResult", () => {
    for (const kind of [
      "500",
      "502",
      "503",
      "429",
      "reset-before-body",
      "reset-after-body",
      "envelope-500",
      "no-response",
    ] as const) {
      it(`retries a status ${kind} and still reaches SUCCESS`, async () => {
        const api = client({ requestTimeoutMs: 300 });
        const taskId = await api.generate(request);
        sim.addFaults({ kind, endpoint: "status", times: 2, retryAfter: 0 });
        const events: PollEvent[] = [];
        const final = await api.waitForResult(taskId, {
          schedule: fast,
          onPoll: (e) => events.push(e),
        });
        expect(final.phase).toBe("success");
        expect(events.filter((e) => e.error).length).toBe(2);
        expect(events.at(-1)?.status?.rawStatus).toBe("SUCCESS");
        const statuses = newRequests().filter((r) => r.endpoint === "status");
        expect(statuses.filter((r) => r.fault === kind)).toHaveLength(2);
      });
    }

    it("counts an undocumented PENDING status as in progress", async () => {
      const api = client();
      const taskId = await api.generate(request);
      sim.addFaults({ kind: "pending", endpoint: "status", times: 2 });
      const events: PollEvent[] = [];
      const final = await api.waitForResult(taskId, {
        schedule: { ...fast, initialDelayMs: 0 },
        onPoll: (e) => events.push(e),
      });
      expect(final.phase).toBe("success");
      const pending = events.filter((e) => e.status?.rawStatus === "PENDING");
      expect(pending).toHaveLength(2);
      expect(pending.every((e) => e.status?.phase === "in_progress")).toBe(true);
    });

    it("treats SUCCESS without a result URL as a failure (TaskFailedError)", async () => {
      const api = client();
      const taskId = await api.generate(request);
      sim.addFaults({ kind: "success-no-url", endpoint: "status" });
      const final = await api.waitForResult(taskId, { schedule: fast });
      expect(final.phase).toBe("failed");
      expect(final.rawStatus).toBe("SUCCESS");
      expect(() => requireResultUrl(final)).toThrow(TaskFailedError);
      expect(() => requireResultUrl(final)).toThrow(/no result URL/);
    });

    it("reports FAILED with the API's error_message", async () => {
      const failing = await startSimulator({ latencyMs: 50, failureRate: 1, render: "cache" });
      try {
        const api = createClient({ baseUrl: failing.url, apiKey: failing.key });
        const taskId = await api.generate(request);
        const final = await api.waitForResult(taskId, { schedule: fast });
        expect(final.phase).toBe("failed");
        expect(final.errorMessage).toMatch(/simulated/);
        expect(() => requireResultUrl(final)).toThrow(TaskFailedError);
        expect(() => requireResultUrl(final)).toThrow(final.errorMessage!);
      } finally {
        await failing.close();
      }
    });

    it("throws TaskNotFoundError for an unknown task id", async () => {
      const error = await client()
        .status("nosuchtaskhh11")
        .catch((e) => e);
      expect(error).toBeInstanceOf(TaskNotFoundError);
      expect((error as TaskNotFoundError).httpStatus).toBe(404);
    });

    it("throws PollTimeoutError at the take's deadline and keeps polling until then", async () => {
      const slow = await startSimulator({ latencyMs: 60_000, render: "cache" });
      try {
        const api = createClient({ baseUrl: slow.url, apiKey: slow.key });
        const taskId = await api.generate(request);
        const started = Date.now();
        const error = await api
          .waitForResult(taskId, {
            schedule: { initialDelayMs: 50, intervalMs: 100, maxIntervalMs: 200, timeoutMs: 600 },
          })
          .catch((e) => e);
        const elapsed = Date.now() - started;
        expect(error).toBeInstanceOf(PollTimeoutError);
        expect((error as Error).message).toContain(taskId);
        expect(elapsed).toBeGreaterThanOrEqual(600);
        expect(elapsed).toBeLessThan(2000);
        expect(slow.requests.filter((r) => r.endpoint === "status").length).toBeGreaterThanOrEqual(
          4,
        );
      } finally {
        await slow.close();
      }
    });

    it("grows the interval by a fifth of the base per poll, up to the maximum", async () => {
      const slow = await startSimulator({ latencyMs: 60_000, render: "cache" });
      try {
        const { slept, sleep } = recordingSleep();
        const api = createClient({ baseUrl: slow.url, apiKey: slow.key, sleep });
        const taskId = await api.generate(request);
        await api
          .waitForResult(taskId, {
            schedule: {
              initialDelayMs: 5000,
              intervalMs: 10_000,
              maxIntervalMs: 20_000,
              timeoutMs: 3_600_000,
            },
            signal: AbortSignal.timeout(400),
          })
          .catch(() => undefined);
        expect(slept.slice(0, 8)).toEqual([
          5000, 10_000, 12_000, 14_000, 16_000, 18_000, 20_000, 20_000,
        ]);
      } finally {
        await slow.close();
      }
    });
  });

  describe("download", () => {
    async function finishedTask() {
      const api = client();
      const taskId = await api.generate(request);
      const final = await api.waitForResult(taskId, { schedule: fast });
      return { url: requireResultUrl(final) };
    }

    it("discards a truncated body and downloads again", async () => {
      const { url } = await finishedTask();
      sim.addFaults({ kind: "truncate", endpoint: "download" });
      const dest = join(tmp.path, "truncated.mp4");
      const { sleep } = recordingSleep();
      const result = await createClient({ baseUrl: sim.url, apiKey: sim.key, sleep }).download(
        url,
        dest,
      );
      const downloads = newRequests().filter((r) => r.endpoint === "download");
      expect(downloads.map((r) => r.fault ?? "ok")).toEqual(["truncate", "ok"]);
      const clean = join(tmp.path, "clean.mp4");
      const again = await client().download(url, clean);
      expect(result.sha256).toBe(again.sha256);
      expect(result.bytes).toBe(again.bytes);
      expect((await readdir(tmp.path)).filter((f) => f.endsWith(".part"))).toEqual([]);
    });

    it("discards a body without an ftyp box and downloads again", async () => {
      const { url } = await finishedTask();
      sim.addFaults({ kind: "corrupt", endpoint: "download" });
      const { sleep } = recordingSleep();
      const result = await client({ sleep }).download(url, join(tmp.path, "corrupt.mp4"));
      expect(result.bytes).toBeGreaterThan(1000);
      const downloads = newRequests().filter((r) => r.endpoint === "download");
      expect(downloads.map((r) => r.fault ?? "ok")).toEqual(["corrupt", "ok"]);
    });

    it("retries a 503 and a reset on download", async () => {
      const { url } = await finishedTask();
      sim.addFaults(
        { kind: "503", endpoint: "download" },
        { kind: "reset-before-body", endpoint: "download" },
      );
      const { sleep } = recordingSleep();
      const result = await client({ sleep }).download(url, join(tmp.path, "retried.mp4"));
      expect(result.bytes).toBeGreaterThan(1000);
    });

    it("gives up with DownloadError after its attempts, leaving no file behind", async () => {
      const { url } = await finishedTask();
      sim.addFaults({ kind: "truncate", endpoint: "download", times: 3 });
      const { sleep } = recordingSleep();
      const dest = join(tmp.path, "never.mp4");
      const error = await client({ sleep, downloadAttempts: 3 })
        .download(url, dest)
        .catch((e) => e);
      expect(error).toBeInstanceOf(DownloadError);
      expect((error as Error).message).toMatch(
        /after 3 attempts: the body ended after \d+ of \d+ bytes/,
      );
      expect(
        (await readdir(tmp.path)).filter((f) => f.startsWith("never") || f.includes("never.mp4")),
      ).toEqual([]);
    });

    it("refuses a URL that is not http(s) without any request", async () => {
      const error = await client()
        .download("file:///etc/passwd", join(tmp.path, "x.mp4"))
        .catch((e) => e);
      expect(error).toBeInstanceOf(DownloadError);
      expect(newRequests()).toHaveLength(0);
    });

    it("stops when aborted and removes its temporary file", async () => {
      const { url } = await finishedTask();
      sim.addFaults({ kind: "no-response", endpoint: "download" });
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error("stopped by test")), 150);
      const error = await client()
        .download(url, join(tmp.path, "aborted.mp4"), { signal: controller.signal })
        .catch((e) => e);
      expect((error as Error).message).toBe("stopped by test");
      expect((await readdir(tmp.path)).filter((f) => f.includes("aborted"))).toEqual([]);
    });
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
