import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseFault, type Simulator, startSimulator } from "../../src/simulator/index.js";

const t2v = {
  model: "happyhorse-1-1/text-to-video",
  prompt: "A cinematic sunrise over a glass city",
  duration: 5,
  resolution: "1080p",
  aspect_ratio: "16:9",
};

describe("the simulator's reading of the API document", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ latencyMs: 100, render: "cache" });
  });
  afterAll(async () => {
    await sim.close();
  });

  async function call(path: string, init: RequestInit & { key?: string | null } = {}) {
    const headers = new Headers(init.headers);
    if (init.key !== null) headers.set("authorization", `Bearer ${init.key ?? sim.key}`);
    const response = await fetch(`${sim.url}${path}`, { ...init, headers });
    const text = await response.text();
    return {
      status: response.status,
      payload: JSON.parse(text) as { code: number; message: string; data: unknown },
    };
  }
  const generate = (body: unknown, path = "/api/happyhorse-1-1/generate") =>
    call(path, {
      method: "POST",
      body: typeof body === "string" ? body : JSON.stringify(body),
      headers: { "content-type": "application/json" },
    });

  const invalid: [string, unknown, RegExp][] = [
    [
      "unknown model",
      { ...t2v, model: "happyhorse-1-0/text-to-video" },
      /Unknown model "happyhorse-1-0\/text-to-video"/,
    ],
    ["missing model", { prompt: "x" }, /"model" is required/],
    [
      "missing prompt for text-to-video",
      { model: t2v.model },
      /"prompt" is required for happyhorse-1-1\/text-to-video/,
    ],
    [
      "missing prompt for reference-to-video",
      { model: "happyhorse-1-1/reference-to-video", reference_image: ["https://e.com/a.jpg"] },
      /"prompt" is required/,
    ],
    [
      "missing image_urls for image-to-video",
      { model: "happyhorse-1-1/image-to-video", prompt: "x" },
      /"image_urls" is required/,
    ],
    [
      "empty image_urls",
      { model: "happyhorse-1-1/image-to-video", image_urls: [] },
      /non-empty array/,
    ],
    [
      "a non-URL image (an unreplaced local placeholder)",
      { model: "happyhorse-1-1/image-to-video", image_urls: ["local-sha256:abc"] },
      /image_urls\[0\]" must be an http\(s\) URL/,
    ],
    [
      "missing reference_image",
      { model: "happyhorse-1-1/reference-to-video", prompt: "[Image 1]" },
      /"reference_image" is required/,
    ],
    [
      "image_urls on text-to-video",
      { ...t2v, image_urls: ["https://e.com/a.jpg"] },
      /"image_urls" is not accepted by happyhorse-1-1\/text-to-video/,
    ],
    [
      "aspect_ratio on image-to-video",
      {
        model: "happyhorse-1-1/image-to-video",
        image_urls: ["https://e.com/a.jpg"],
        aspect_ratio: "16:9",
      },
      /aspect_ratio" is not accepted by happyhorse-1-1\/image-to-video/,
    ],
    ["duration 2", { ...t2v, duration: 2 }, /outside the supported range 3-15/],
    ["duration 16", { ...t2v, duration: 16 }, /outside the supported range 3-15/],
    ["duration as text", { ...t2v, duration: "5" }, /"duration" must be a number/],
    [
      "resolution 4k",
      { ...t2v, resolution: "4k" },
      /"resolution" "4k" is not supported. Use 720p or 1080p/,
    ],
    ["aspect ratio 2:1", { ...t2v, aspect_ratio: "2:1" }, /"aspect_ratio" "2:1" is not supported/],
    ["an unknown field", { ...t2v, seed: 42 }, /Unknown field "seed"/],
    ["an empty prompt", { ...t2v, prompt: "  " }, /"prompt" must be a non-empty string/],
    ["a body that is not JSON", "{nope", /not valid JSON/],
    ["a JSON array", [t2v], /must be a JSON object/],
  ];
  for (const [name, body, message] of invalid) {
    it(`answers 400 with a useful message for ${name}, creating no task`, async () => {
      const before = sim.tasks.length;
      const { status, payload } = await generate(body);
      expect(status).toBe(400);
      expect(payload.code).toBe(400);
      expect(payload.message).toMatch(message);
      expect(payload.data).toBeNull();
      expect(sim.tasks.length).toBe(before);
    });
  }

  it("accepts the document's three example bodies on both endpoint families", async () => {
    const bodies = [
      t2v,
      {
        model: "happyhorse-1-1/image-to-video",
        image_urls: ["https://example.com/source-image.jpg"],
        prompt: "Subtle camera push-in with natural motion",
        duration: 5,
        resolution: "1080p",
      },
      {
        model: "happyhorse-1-1/reference-to-video",
        prompt: "[Image 1] is the product reference.",
        reference_image: ["https://example.com/product-reference.jpg"],
        duration: 5,
        resolution: "1080p",
        aspect_ratio: "16:9",
      },
    ];
    for (const path of ["/api/happyhorse-1-1/generate", "/api/generate"]) {
      for (const body of bodies) {
        const { status, payload } = await generate(body, path);
        expect(status).toBe(200);
        expect(payload).toMatchObject({
          code: 200,
          message: "success",
          data: { status: "IN_PROGRESS" },
        });
        const taskId = (payload.data as { task_id: string }).task_id;
        for (const statusPath of ["/api/happyhorse-1-1/status", "/api/status"]) {
          const polled = await call(`${statusPath}?task_id=${taskId}`);
          expect(polled.payload).toMatchObject({
            code: 200,
            data: { task_id: taskId, model: body.model },
          });
        }
      }
    }
  });

  it("defaults duration, resolution and aspect ratio as documented", async () => {
    await generate({ model: t2v.model, prompt: "defaults" });
    expect(sim.tasks.at(-1)?.request).toEqual({
      model: t2v.model,
      prompt: "defaults",
      duration: 5,
      resolution: "1080p",
      aspect_ratio: "16:9",
    });
  });

  it("answers 401 with the envelope for a missing or wrong key", async () => {
    for (const key of [null, "wrong"]) {
      const { status, payload } = await call("/api/status?task_id=x", { key });
      expect(status).toBe(401);
      expect(payload.code).toBe(401);
      expect(payload.message).toMatch(/API key/);
    }
  });

  it("answers 404 with the envelope for an unknown task, and 400 without task_id", async () => {
    const unknown = await call("/api/happyhorse-1-1/status?task_id=nosuchtask");
    expect(unknown.status).toBe(404);
    expect(unknown.payload).toEqual({
      code: 404,
      message: 'Task "nosuchtask" was not found.',
      data: null,
    });
    const missing = await call("/api/happyhorse-1-1/status");
    expect(missing.status).toBe(400);
  });

  it("answers 404 for an unknown path and 405 for a wrong method", async () => {
    expect(
      (await call("/api/happyhorse-1-2/generate", { method: "POST", body: "{}" })).status,
    ).toBe(404);
    expect((await call("/api/generate")).status).toBe(405);
  });

  it("goes IN_PROGRESS → SUCCESS after its latency, with a downloadable result", async () => {
    const { payload } = await generate({ ...t2v, duration: 3, resolution: "720p" });
    const taskId = (payload.data as { task_id: string }).task_id;
    let polled = await call(`/api/status?task_id=${taskId}`);
    expect((polled.payload.data as { status: string }).status).toBe("IN_PROGRESS");
    const deadline = Date.now() + 20_000;
    while (
      (polled.payload.data as { status: string }).status === "IN_PROGRESS" &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      polled = await call(`/api/status?task_id=${taskId}`);
    }
    const data = polled.payload.data as {
      status: string;
      response: { resultUrls: string[] };
      error_message: null;
    };
    expect(data.status).toBe("SUCCESS");
    expect(data.error_message).toBeNull();
    const file = await fetch(data.response.resultUrls[0]!);
    expect(file.status).toBe(200);
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(Number(file.headers.get("content-length"))).toBe(bytes.length);
    expect(bytes.subarray(4, 8).toString("latin1")).toBe("ftyp");
  });

  it("applies faults to uploads too, then stores the image and serves it back", async () => {
    sim.addFaults({ kind: "503", endpoint: "upload" });
    const bytes = Buffer.from("\x89PNG fake image bytes");
    const upload = () =>
      call("/sim/uploads", {
        method: "POST",
        body: bytes,
        headers: { "content-type": "image/png" },
      });
    expect((await upload()).status).toBe(503);
    const { status, payload } = await upload();
    expect(status).toBe(200);
    const url = (payload.data as { url: string }).url;
    expect(url).toMatch(/\/sim\/uploads\/[0-9a-f]{64}\.png$/);
    expect(sim.imagePathFor(url)).toBeDefined();
    const back = await fetch(url);
    expect(Buffer.from(await back.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it("parses --fault specs and rejects faults on endpoints they cannot apply to", () => {
    expect(parseFault("429:generate:2")).toEqual({ kind: "429", endpoint: "generate", times: 2 });
    expect(parseFault("truncate:download")).toEqual({
      kind: "truncate",
      endpoint: "download",
      times: 1,
    });
    expect(() => parseFault("truncate:generate")).toThrow(
      /does not apply to the generate endpoint/,
    );
    expect(() => parseFault("429:generate:0")).toThrow(/KIND:ENDPOINT/);
    expect(() => parseFault("429")).toThrow(/KIND:ENDPOINT/);
  });

  it("keeps a request log without the key", async () => {
    const last = sim.requests.at(-1);
    expect(last).toMatchObject({
      method: "GET",
      path: expect.stringMatching(/^\/sim\/uploads\//),
      status: 200,
    });
    expect(JSON.stringify(sim.requests)).not.toContain(sim.key);
  });
});
