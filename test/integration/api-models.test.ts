import { stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/api/index.js";
import type { GenerateRequest, PollingConfig } from "../../src/types.js";
import { probeClip, testImage } from "../helpers/probe.js";
import { useSimulator } from "../helpers/simulator.js";
import { useTempDir } from "../helpers/tmp.js";

const fast: PollingConfig = {
  initialDelayMs: 50,
  intervalMs: 50,
  maxIntervalMs: 100,
  timeoutMs: 30_000,
};

describe("the client against the simulator, all three models", () => {
  const sim = useSimulator({ latencyMs: 150, jitter: 0.2 });
  const tmp = useTempDir("gallop-api-models-");

  const cases: {
    name: string;
    endpoints: "v1.1" | "stable";
    request: () => GenerateRequest;
    size: [number, number];
  }[] = [
    {
      name: "text-to-video 1080p 9:16, 4 s (v1.1 endpoints)",
      endpoints: "v1.1",
      request: () => ({
        model: "happyhorse-1-1/text-to-video",
        prompt: "A cinematic sunrise over a glass city, slow drone camera",
        duration: 4,
        resolution: "1080p",
        aspect_ratio: "9:16",
      }),
      size: [1080, 1920],
    },
    {
      name: "image-to-video from an uploaded 4:3 image, 720p, 3 s (stable endpoints)",
      endpoints: "stable",
      request: () => ({
        model: "happyhorse-1-1/image-to-video",
        prompt: "Subtle camera push-in with natural motion",
        image_urls: [uploadedUrl],
        duration: 3,
        resolution: "720p",
      }),
      size: [960, 720],
    },
    {
      name: "reference-to-video 720p 16:9, 5 s with a remote reference (never fetched)",
      endpoints: "v1.1",
      request: () => ({
        model: "happyhorse-1-1/reference-to-video",
        prompt: "[Image 1] is the product reference. Show it on a reflective studio table.",
        reference_image: ["https://example.com/product-reference.jpg"],
        duration: 5,
        resolution: "720p",
        aspect_ratio: "16:9",
      }),
      size: [1280, 720],
    },
  ];
  let uploadedUrl = "";

  it("uploads an image to the simulator", async () => {
    const image = join(tmp.path, "source.png");
    await testImage(image, 640, 480);
    const { readFile } = await import("node:fs/promises");
    const response = await fetch(`${sim.url}/sim/uploads`, {
      method: "POST",
      headers: { authorization: `Bearer ${sim.key}`, "content-type": "image/png" },
      body: await readFile(image),
    });
    const payload = (await response.json()) as { code: number; data: { url: string } };
    expect(payload.code).toBe(200);
    uploadedUrl = payload.data.url;
    expect(sim.imagePathFor(uploadedUrl)).toBeDefined();
  });

  for (const testCase of cases) {
    it(testCase.name, async () => {
      const client = createClient({
        baseUrl: sim.url,
        apiKey: sim.key,
        endpoints: testCase.endpoints,
      });
      const request = testCase.request();
      const taskId = await client.generate(request);
      const final = await client.waitForResult(taskId, { schedule: fast });
      expect(final.phase).toBe("success");
      const dest = join(tmp.path, `${taskId}.mp4`);
      const result = await client.download(final.resultUrl!, dest);
      expect(result.bytes).toBe((await stat(dest)).size);
      expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);
      const info = await probeClip(dest);
      expect(info.codec).toBe("h264");
      expect(info.pixFmt).toBe("yuv420p");
      expect([info.width, info.height]).toEqual(testCase.size);
      expect(Math.abs(info.duration - request.duration)).toBeLessThanOrEqual(0.1);
      const generate = sim.requests.find((r) => r.taskId === taskId && r.endpoint === "generate");
      expect(generate?.body).toEqual(request);
      expect(generate?.path).toBe(
        testCase.endpoints === "stable" ? "/api/generate" : "/api/happyhorse-1-1/generate",
      );
    });
  }
});
