import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bin } from "../helpers/bin.js";
import { useTempDir } from "../helpers/tmp.js";

describe("gallop simulate (the built bin)", () => {
  const tmp = useTempDir("gallop-e2e-sim-");

  it("prints its URL and key, answers a request, logs it, and exits cleanly on SIGTERM", async () => {
    const log = join(tmp.path, "requests.jsonl");
    const child = spawn(
      process.execPath,
      [bin, "simulate", "--port", "0", "--latency", "200ms", "--request-log", log],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) =>
      child.on("exit", (code) => resolve(code)),
    );
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (match?.[1] && stdout.includes("Ctrl-C")) resolve(match[1]);
      });
      child.on("exit", () => reject(new Error(`exited early: ${stdout}${stderr}`)));
    });
    const key = /API key \(generated[^)]*\): (\S+)/.exec(stdout)?.[1];
    expect(key).toBeTruthy();
    expect(stdout).toContain(`HPPYHORSE_BASE_URL=${url} HPPYHORSE_API_KEY=${key} gallop run`);

    const response = await fetch(`${url}/api/happyhorse-1-1/generate`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "happyhorse-1-1/text-to-video",
        prompt: "hello",
        duration: 3,
        resolution: "720p",
      }),
    });
    const payload = (await response.json()) as {
      code: number;
      data: { task_id: string; status: string };
    };
    expect(payload.code).toBe(200);
    expect(payload.data.status).toBe("IN_PROGRESS");
    const wrongKey = await fetch(`${url}/api/status?task_id=${payload.data.task_id}`, {
      headers: { authorization: "Bearer nope" },
    });
    expect(wrongKey.status).toBe(401);

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stderr).toContain("Simulator stopped (SIGTERM)");
    const lines = (await readFile(log, "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => [l.endpoint, l.status])).toEqual([
      ["generate", 200],
      ["status", 401],
    ]);
    expect(lines[0].taskId).toBe(payload.data.task_id);
    expect(JSON.stringify(lines)).not.toContain(key);
  });

  it("rejects a malformed --fault with exit code 2 and a message naming the kinds", async () => {
    const child = spawn(process.execPath, [bin, "simulate", "--fault", "explode:generate"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(2);
    expect(stderr).toContain("--fault");
    expect(stderr).toContain("reset-after-body");
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
