/**
 * Local images through the runner against the simulator: the storyboard's upload command (a
 * small node script counting its calls), the lock's cache by content hash, and the errors that
 * stop a run before any paid request.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createClient } from "../../src/api/index.js";
import { InputError } from "../../src/errors.js";
import { parseLock } from "../../src/lock/index.js";
import { loadStoryboard } from "../../src/manifest/index.js";
import { lockPathFor } from "../../src/paths.js";
import { type RunEvent, runStoryboard } from "../../src/run/index.js";
import { type Simulator, startSimulator } from "../../src/simulator/index.js";
import { generateAttempts, generates } from "../helpers/simulator.js";
import { removeDir, tempDir } from "../helpers/tmp.js";

let sim: Simulator;
let dir: string;
let file: string;

const UPLOADER = `
const { appendFileSync } = require("node:fs");
const [file, sha, mode] = process.argv.slice(2);
appendFileSync(__dirname + "/uploads.log", sha + "\\n");
if (mode === "fail") { console.error("upload: AccessDenied for " + file); process.exit(1); }
if (mode === "junk") { console.log("Uploaded. See the dashboard."); process.exit(0); }
console.log("copying " + file);
console.log("https://cdn.example.test/" + sha + ".png");
`;

function yaml(shots: string[], mode = "ok"): string {
  return [
    "version: 1",
    "name: up",
    "defaults: { model: image-to-video, duration: 3, resolution: 720p }",
    "polling: { initial_delay: 100ms, interval: 100ms, max_interval: 200ms, timeout: 60s }",
    "upload:",
    `  command: [${JSON.stringify(process.execPath)}, upload.cjs, "{file}", "{sha256}", ${mode}]`,
    "shots:",
    ...shots,
    "",
  ].join("\n");
}
const still = (id: string, image = "still.png") =>
  `  - { id: ${id}, images: [${image}], prompt: "Shot ${id}" }`;
const text = (id: string) => `  - { id: ${id}, model: text-to-video, prompt: "Shot ${id}" }`;

async function uploadCalls(): Promise<string[]> {
  const log = await readFile(join(dir, "uploads.log"), "utf8").catch(() => "");
  return log.split("\n").filter(Boolean);
}

async function run(extra: Partial<Parameters<typeof runStoryboard>[1]> = {}) {
  const storyboard = await loadStoryboard(file);
  const events: RunEvent[] = [];
  const result = await runStoryboard(storyboard, {
    client: createClient({ baseUrl: sim.url, apiKey: sim.key, requestTimeoutMs: 5_000 }),
    onEvent: (e) => events.push(e),
    ...extra,
  });
  return { result, events, storyboard };
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const imageUrlsOf = (requests: Simulator["requests"]) =>
  generates(requests).map((r) => (r.body as { image_urls?: string[] }).image_urls?.[0]);

beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 100, jitter: 0.3, render: "cache", audio: "never" });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  dir = await tempDir("gallop-upload-run-");
  file = join(dir, "up.yaml");
  await writeFile(join(dir, "upload.cjs"), UPLOADER);
  await writeFile(join(dir, "still.png"), Buffer.from("first still"));
  await writeFile(join(dir, "other.png"), Buffer.from("other still"));
});
afterEach(async () => {
  await removeDir(dir);
});

describe("local images through the upload command", () => {
  it("uploads each image once, caches its URL in the lock across runs, re-uploads on a content change", async () => {
    const first = sha256(Buffer.from("first still"));
    await writeFile(file, yaml([still("a"), still("b"), text("t")]));
    const before = sim.requests.length;
    const one = await run();
    expect(one.result.exitCode).toBe(0);
    expect(await uploadCalls()).toEqual([first]); // two shots, one image, one upload
    expect(imageUrlsOf(sim.requests.slice(before)).filter(Boolean)).toEqual([
      `https://cdn.example.test/${first}.png`,
      `https://cdn.example.test/${first}.png`,
    ]);
    const lock = parseLock(await readFile(lockPathFor(file), "utf8"), "lock");
    expect(lock.uploads[first]?.url).toBe(`https://cdn.example.test/${first}.png`);
    // The lock records the request with the content hash, not the URL of the day.
    expect(lock.shots[0]?.takes[0]?.request.image_urls).toEqual([`local-sha256:${first}`]);
    expect(one.events).toContainEqual({
      event: "uploaded",
      image: "still.png",
      sha256: first,
      cached: false,
    });

    // A new shot with the same image: the cached URL, no upload.
    await writeFile(file, yaml([still("a"), still("b"), text("t"), still("c")]));
    const second = sim.requests.length;
    const two = await run();
    expect(two.result.exitCode).toBe(0);
    expect(await uploadCalls()).toEqual([first]);
    expect(imageUrlsOf(sim.requests.slice(second))).toEqual([
      `https://cdn.example.test/${first}.png`,
    ]);
    expect(two.events).toContainEqual({
      event: "uploaded",
      image: "still.png",
      sha256: first,
      cached: true,
    });

    // Nothing to submit: no upload at all, not even a cache lookup event.
    const three = await run();
    expect(three.result.plan.summary.paidGenerations).toBe(0);
    expect(three.events.some((e) => e.event === "uploaded")).toBe(false);

    // New content: a new upload and a regeneration of every shot that uses it.
    await writeFile(join(dir, "still.png"), Buffer.from("second still"));
    const changed = sha256(Buffer.from("second still"));
    const third = sim.requests.length;
    const four = await run();
    expect(four.result.exitCode).toBe(0);
    expect(four.result.plan.summary.byKind.regenerate).toBe(3);
    expect(await uploadCalls()).toEqual([first, changed]);
    expect(imageUrlsOf(sim.requests.slice(third))).toEqual([
      `https://cdn.example.test/${changed}.png`,
      `https://cdn.example.test/${changed}.png`,
      `https://cdn.example.test/${changed}.png`,
    ]);
    const after = parseLock(await readFile(lockPathFor(file), "utf8"), "lock");
    expect(Object.keys(after.uploads).sort()).toEqual([first, changed].sort());
    expect(after.shots[0]?.takes[0]?.history?.[0]?.reason).toMatch(/regenerated: images changed/);
  });

  it("stops before any paid request when the command fails, quoting its stderr", async () => {
    await writeFile(file, yaml([text("t"), still("a")], "fail"));
    const before = sim.requests.length;
    const error = await run().catch((e: Error) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/nothing was submitted \(no paid request was made\)/);
    expect((error as Error).message).toMatch(/still\.png: the upload command exited with code 1/);
    expect((error as Error).message).toContain("| upload: AccessDenied for");
    expect(generateAttempts(sim.requests.slice(before))).toHaveLength(0);
    // Nothing was recorded: no lockfile was written at all.
    expect(existsSync(lockPathFor(file))).toBe(false);
  });

  it("stops before any paid request when the command prints no URL, quoting what it printed", async () => {
    await writeFile(file, yaml([still("a"), still("b", "other.png")], "junk"));
    const before = sim.requests.length;
    const error = await run().catch((e: Error) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^2 local images could not be uploaded/);
    expect((error as Error).message).toContain("| Uploaded. See the dashboard.");
    expect(generateAttempts(sim.requests.slice(before))).toHaveLength(0);
  });

  it("sends local images to the simulator under --simulate without the command, and caches nothing", async () => {
    await writeFile(file, yaml([still("a")], "fail"));
    const uploaded: string[] = [];
    const { result } = await run({
      uploadImage: async (absPath) => {
        uploaded.push(absPath);
        const response = await fetch(`${sim.url}/sim/uploads`, {
          method: "POST",
          headers: { authorization: `Bearer ${sim.key}`, "content-type": "image/png" },
          body: await readFile(absPath),
        });
        return ((await response.json()) as { data: { url: string } }).data.url;
      },
    });
    expect(result.exitCode).toBe(0);
    expect(uploaded).toEqual([join(dir, "still.png")]);
    expect(await uploadCalls()).toEqual([]);
    const lock = parseLock(await readFile(lockPathFor(file), "utf8"), "lock");
    expect(lock.uploads).toEqual({});
  });
});
