import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/api/index.js";
import { startSimulator } from "../../src/simulator/index.js";
import { useSimulator } from "../helpers/simulator.js";
import { useTempDir } from "../helpers/tmp.js";

/**
 * The "Polling Pattern" example of the HppyHorse 1.1 API document (../shared/hppyhorse-api.md),
 * copied verbatim. It lives in a template literal, so its backticks and `${` are escaped with a
 * backslash; the string DOC_LOOP holds is byte-for-byte the document's code.
 */
const DOC_LOOP = `const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForHappyHorse11(taskId) {
  const deadline = Date.now() + 15 * 60 * 1000;
  let delayMs = 10000;

  while (Date.now() < deadline) {
    const res = await fetch(
      \`\${BASE_URL}/api/happyhorse-1-1/status?task_id=\${encodeURIComponent(taskId)}\`,
      { headers: { Authorization: \`Bearer \${API_KEY}\` } }
    );
    const payload = await res.json();
    const task = payload.data;

    if (task.status === "SUCCESS") return task.response?.resultUrls?.[0];
    if (task.status === "FAILED") throw new Error(task.error_message || "Generation failed");

    await sleep(delayMs);
    delayMs = Math.min(delayMs + 2000, 20000);
  }

  throw new Error("Timed out. Keep the task_id and check again later.");
}`;

/** Only its delays are scaled down (15 min → 15 s, 10 s → 100 ms, +2 s → +20 ms, 20 s → 200 ms). */
const SCALING: [string, string][] = [
  ["15 * 60 * 1000", "15 * 1000"],
  ["let delayMs = 10000;", "let delayMs = 100;"],
  ["Math.min(delayMs + 2000, 20000)", "Math.min(delayMs + 20, 200)"],
];

function scaledLoop(): string {
  let code = DOC_LOOP;
  for (const [from, to] of SCALING) {
    expect(code).toContain(from);
    code = code.replace(from, to);
  }
  return code;
}

type WaitFn = (taskId: string) => Promise<string | undefined>;

/** Binds BASE_URL and API_KEY, the two names the document's example leaves free. */
function documentLoop(baseUrl: string, apiKey: string): WaitFn {
  const factory = new Function(
    "BASE_URL",
    "API_KEY",
    `${scaledLoop()}\nreturn waitForHappyHorse11;`,
  );
  return factory(baseUrl, apiKey) as WaitFn;
}

describe("conformance with the API document's own polling example", () => {
  const sim = useSimulator({ latencyMs: 300, jitter: 0.2 });
  const tmp = useTempDir("gallop-conformance-");

  it("the document's Quick Start request and waitForHappyHorse11 loop succeed unchanged", async () => {
    expect(DOC_LOOP).toContain("async function waitForHappyHorse11(taskId)");
    // The Quick Start body, as the document sends it.
    const response = await fetch(`${sim.url}/api/happyhorse-1-1/generate`, {
      method: "POST",
      headers: { Authorization: `Bearer ${sim.key}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        model: "happyhorse-1-1/text-to-video",
        prompt: "A cinematic sunrise over a glass city, slow drone camera",
        duration: 5,
        resolution: "1080p",
        aspect_ratio: "16:9",
      }),
    });
    const created = (await response.json()) as {
      code: number;
      message: string;
      data: { task_id: string; status: string };
    };
    expect(created).toMatchObject({
      code: 200,
      message: "success",
      data: { status: "IN_PROGRESS" },
    });

    const waitForHappyHorse11 = documentLoop(sim.url, sim.key);
    const resultUrl = await waitForHappyHorse11(created.data.task_id);
    expect(resultUrl).toBe(`${sim.url}/files/${created.data.task_id}.mp4`);
    const polls = sim.requests.filter((r) => r.endpoint === "status");
    expect(polls.length).toBeGreaterThanOrEqual(2);

    // The URL the document's loop returns is a real, verifiable MP4.
    const client = createClient({ baseUrl: sim.url, apiKey: sim.key });
    const file = await client.download(resultUrl!, join(tmp.path, "doc.mp4"));
    expect(file.bytes).toBeGreaterThan(1000);
  });

  it("the document's loop throws the API's error_message for a FAILED task", async () => {
    const failing = await startSimulator({ latencyMs: 100, failureRate: 1, render: "cache" });
    try {
      const response = await fetch(`${failing.url}/api/generate`, {
        method: "POST",
        headers: { Authorization: `Bearer ${failing.key}`, "Content-Type": "application/json" },
        body: JSON.stringify({ model: "happyhorse-1-1/text-to-video", prompt: "x" }),
      });
      const { data } = (await response.json()) as { data: { task_id: string } };
      const error = await documentLoop(failing.url, failing.key)(data.task_id).catch((e) => e);
      expect((error as Error).message).toMatch(/\(simulated\)/);
    } finally {
      await failing.close();
    }
  });
});
