/**
 * Red-team review: the stitched film must never be written over a shot's clip. Before the fix,
 * `teaser.yaml` with a shot `teaser` stitched `out/teaser/teaser.mp4` over the paid clip of
 * that shot (the contact sheet then showed the whole film as that shot, and the next run
 * downloaded the clip again).
 */
import { describe, expect, it } from "vitest";
import { checkStoryboardSource } from "../../src/manifest/index.js";

const storyboard = (head: string[], shots: string[]) =>
  [
    "version: 1",
    ...head,
    "defaults:",
    "  model: text-to-video",
    "shots:",
    ...shots.flatMap((s) => [`  - id: ${s.split(":")[0]}`, "    prompt: a horse", ...extra(s)]),
    "",
  ].join("\n");
const extra = (s: string) => (s.includes(":") ? [`    takes: ${s.split(":")[1]}`] : []);

async function problemsOf(text: string, file = "/tmp/review/teaser.yaml") {
  const { problems, storyboard } = await checkStoryboardSource(text, file);
  return { problems: problems.filter((p) => p.severity === "error"), storyboard };
}

describe("the film's path never collides with a clip", () => {
  it("rejects a shot named like the storyboard (default film <name>.mp4)", async () => {
    const { problems, storyboard: sb } = await problemsOf(storyboard([], ["intro", "teaser"]));
    expect(sb).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/teaser\.mp4/);
    expect(problems[0]?.message).toMatch(/shot `teaser`/);
    expect(problems[0]?.line).toBeGreaterThan(0);
  });

  it("rejects `name:` and `stitch.output` that land on a clip, take N included", async () => {
    const byName = await problemsOf(storyboard(["name: intro"], ["intro"]), "/tmp/r/x.yaml");
    expect(byName.problems.map((p) => p.message).join("\n")).toMatch(/intro\.mp4/);
    const byOutput = await problemsOf(
      storyboard(["stitch:", "  output: b.take2.mp4"], ["a", "b:2"]),
    );
    expect(byOutput.problems.map((p) => p.message).join("\n")).toMatch(/b\.take2\.mp4/);
    const nested = await problemsOf(storyboard(["stitch:", "  output: ./a.mp4"], ["a"]));
    expect(nested.problems).toHaveLength(1);
  });

  it("accepts the usual layouts", async () => {
    expect((await problemsOf(storyboard([], ["intro", "outro"]))).problems).toEqual([]);
    expect(
      (await problemsOf(storyboard(["stitch:", "  output: film/a.mp4"], ["a"]))).problems,
    ).toEqual([]);
    // take 1 of `b` is b.mp4; b.take2.mp4 only exists with takes >= 2
    expect(
      (await problemsOf(storyboard(["stitch:", "  output: b.take2.mp4"], ["b"]))).problems,
    ).toEqual([]);
  });
});
