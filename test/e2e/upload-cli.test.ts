/** Local images through the real bin: no uploader or a failing one → exit 2 and no paid request. */
import { copyFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseLock } from "../../src/lock/index.js";
import { lockPathFor } from "../../src/paths.js";
import { startBin } from "../helpers/bin.js";
import { generateAttempts, useSimulator } from "../helpers/simulator.js";
import { storyboardYaml, tempStoryboard } from "../helpers/storyboard.js";

const sim = useSimulator({ latencyMs: 200, jitter: 0.2, render: "cache", audio: "never" });

const NO_STACK = /\n\s+at /;
const examples = fileURLToPath(new URL("../../examples/", import.meta.url));
const shots = [{ id: "words" }, { id: "pic", model: "image-to-video", images: ["still.png"] }];

describe("local images (real bin)", () => {
  it("stops with exit 2 before any paid request without an upload command or with a failing one", async () => {
    const sb = await tempStoryboard(shots);
    const bin = (...args: string[]) =>
      startBin(args, { cwd: sb.dir, env: { HPPYHORSE_API_KEY: sim.key } }).done;
    try {
      await copyFile(join(examples, "images", "product.png"), join(sb.dir, "still.png"));
      const before = sim.requests.length;
      const none = await bin("run", "crash.yaml", "--base-url", sim.url, "--yes");
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(
        /This local image needs a public URL before anything is submitted: still\.png/,
      );
      expect(none.stderr).toContain("upload:\n    command: [");
      expect(none.stderr).not.toMatch(NO_STACK);

      await writeFile(
        sb.file,
        `${storyboardYaml(shots)}upload:\n  command: [${JSON.stringify(process.execPath)}, -e, "console.error('denied: ' + process.argv[1]); process.exit(4)", "{file}"]\n`,
      );
      const failing = await bin("run", "crash.yaml", "--base-url", sim.url, "--yes");
      expect(failing.code).toBe(2);
      expect(failing.stderr).toMatch(/still\.png: the upload command exited with code 4/);
      expect(failing.stderr).toContain(`| denied: ${join(sb.dir, "still.png")}`);
      expect(failing.stderr).not.toMatch(NO_STACK);
      expect(generateAttempts(sim.requests.slice(before))).toHaveLength(0);

      // --simulate: the image goes to the in-process simulator, no command, nothing cached.
      const simulated = await startBin(
        ["run", "crash.yaml", "--simulate", "--yes", "--no-stitch"],
        {
          cwd: sb.dir,
          env: { GALLOP_SIMULATE_LATENCY: "200ms" },
        },
      ).done;
      expect(simulated.code).toBe(0);
      const lock = parseLock(await readFile(lockPathFor(sb.file), "utf8"), "crash.lock");
      expect(lock.uploads).toEqual({});
      expect(lock.shots.find((s) => s.id === "pic")?.takes[0]?.state).toBe("succeeded");
    } finally {
      await sb.cleanup();
    }
  });
});
