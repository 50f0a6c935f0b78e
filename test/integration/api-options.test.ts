import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { requireResultUrl } from "../../src/api/index.js";
import {
  apiOptions,
  connectFromOptions,
  pollingOverrides,
} from "../../src/commands/api-options.js";
import type { CommandIO } from "../../src/commands/command.js";
import { ExitError, UsageError } from "../../src/errors.js";
import { startSimulator } from "../../src/simulator/index.js";
import { frameSize, testImage } from "../helpers/probe.js";
import { useTempDir } from "../helpers/tmp.js";

function io(env: NodeJS.ProcessEnv = {}): CommandIO & { output: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = "";
  stdout.on("data", (c) => (text += c));
  stderr.on("data", (c) => (text += c));
  return { stdout, stderr, stdin: new PassThrough(), env, cwd: process.cwd(), output: () => text };
}

describe("the shared API options", () => {
  const tmp = useTempDir("gallop-api-options-");

  it("declares every flag as a string or boolean option with help text", () => {
    expect(Object.keys(apiOptions).sort()).toEqual(
      [
        "api-key-env",
        "base-url",
        "endpoints",
        "poll-initial-delay",
        "poll-interval",
        "poll-max-interval",
        "poll-timeout",
        "request-timeout",
        "simulate",
      ].sort(),
    );
    expect(Object.values(apiOptions).every((o) => o.description.length > 10)).toBe(true);
  });

  it("parses --poll-* durations, and rejects bad ones with the flag's name", () => {
    expect(
      pollingOverrides({
        "poll-initial-delay": "500ms",
        "poll-interval": "10s",
        "poll-max-interval": "20",
        "poll-timeout": "15m",
      }),
    ).toEqual({
      initialDelayMs: 500,
      intervalMs: 10_000,
      maxIntervalMs: 20_000,
      timeoutMs: 900_000,
    });
    expect(pollingOverrides({})).toEqual({});
    expect(() => pollingOverrides({ "poll-interval": "soon" })).toThrow(UsageError);
    expect(() => pollingOverrides({ "poll-interval": "soon" })).toThrow(/--poll-interval "soon"/);
    expect(() => pollingOverrides({ "poll-timeout": "0s" })).toThrow(/greater than zero/);
  });

  it("without a key and without --simulate, says both ways forward", async () => {
    const error = await connectFromOptions({}, io({})).catch((e) => e);
    expect(error).toBeInstanceOf(ExitError);
    expect((error as Error).message).toContain("HPPYHORSE_API_KEY");
    expect((error as Error).message).toContain("--simulate");
    const named = await connectFromOptions({ "api-key-env": "MY_KEY" }, io({})).catch((e) => e);
    expect((named as Error).message).toContain("MY_KEY is not set");
  });

  it("rejects a bad --endpoints, a bad --base-url and --simulate with --base-url", async () => {
    const env = { HPPYHORSE_API_KEY: "k" };
    await expect(connectFromOptions({ endpoints: "v2" }, io(env))).rejects.toThrow(
      /--endpoints "v2"/,
    );
    await expect(connectFromOptions({ "base-url": "ftp://x" }, io(env))).rejects.toThrow(
      /--base-url "ftp:\/\/x": not an http\(s\) URL/,
    );
    await expect(
      connectFromOptions({ simulate: true, "base-url": "http://127.0.0.1:1" }, io(env)),
    ).rejects.toThrow(/drop --base-url/);
  });

  it("talks to the server named by --base-url with the key from --api-key-env", async () => {
    const sim = await startSimulator({ latencyMs: 100, render: "cache", key: "from-my-var" });
    try {
      const connection = await connectFromOptions(
        { "base-url": sim.url, "api-key-env": "MY_KEY", endpoints: "stable" },
        io({ MY_KEY: "from-my-var" }),
      );
      expect(connection.simulated).toBe(false);
      expect(connection.uploadImage).toBeUndefined();
      await connection.client.generate({
        model: "happyhorse-1-1/text-to-video",
        prompt: "x",
        duration: 3,
        resolution: "720p",
      });
      expect(sim.requests.at(-1)).toMatchObject({ path: "/api/generate", status: 200 });
      await connection.close();
    } finally {
      await sim.close();
    }
  });

  it("with --simulate, runs a local simulator: uploads a local image and animates it", async () => {
    const image = join(tmp.path, "wide.png");
    await testImage(image, 800, 400);
    const sha256 = createHash("sha256")
      .update(await readFile(image))
      .digest("hex");
    const out = io({ GALLOP_SIMULATE_LATENCY: "200ms" });
    const connection = await connectFromOptions({ simulate: true }, out, {
      storyboardDir: tmp.path,
    });
    try {
      expect(connection.simulated).toBe(true);
      const url = await connection.uploadImage!(image, sha256);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sim\/uploads\/[0-9a-f]{64}\.png$/);
      expect(await connection.uploadImage!(image, sha256)).toBe(url);
      const taskId = await connection.client.generate({
        model: "happyhorse-1-1/image-to-video",
        image_urls: [url],
        duration: 3,
        resolution: "720p",
      });
      const final = await connection.client.waitForResult(taskId, {
        schedule: { initialDelayMs: 100, intervalMs: 100, maxIntervalMs: 200, timeoutMs: 30_000 },
      });
      const dest = join(tmp.path, "animated.mp4");
      await connection.client.download(requireResultUrl(final), dest);
      expect(await frameSize(dest)).toMatchObject({ width: 1440, height: 720 });
      expect(out.output()).toBe(""); // nothing printed, and so never the generated key
    } finally {
      await connection.close();
    }
  });
});
