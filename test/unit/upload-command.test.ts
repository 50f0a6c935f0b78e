import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import {
  chooseUploader,
  type LocalImage,
  localImagesOf,
  requireUploader,
  runUploadCommand,
  uploadArgv,
  uploadLocalImages,
  urlFromOutput,
} from "../../src/upload/index.js";
import { removeDir, tempDir } from "../helpers/tmp.js";

let dir: string;
let image: LocalImage;
const node = process.execPath;

/** A small uploader script: prints logs, then the URL; counts its calls in `calls.txt`. */
const UPLOADER = `
const { appendFileSync } = require("node:fs");
const [file, sha] = process.argv.slice(2);
appendFileSync(__dirname + "/calls.txt", file + " " + sha + "\\n");
console.log("uploading " + file);
console.log("https://cdn.example.com/" + sha + ".png");
`;

beforeAll(async () => {
  dir = await tempDir("gallop-upload-");
  const bytes = Buffer.from("pretend png");
  await writeFile(join(dir, "still.png"), bytes);
  image = {
    path: "still.png",
    absPath: join(dir, "still.png"),
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
  await writeFile(join(dir, "upload.cjs"), UPLOADER);
  await writeFile(
    join(dir, "fail.cjs"),
    'console.error("line 1\\nAccessDenied: bucket"); process.exit(3);',
  );
  await writeFile(join(dir, "nourl.cjs"), 'console.log("done"); console.log("uploaded ok");');
  await writeFile(join(dir, "slow.cjs"), "setTimeout(() => {}, 60000);");
});
afterAll(async () => {
  await removeDir(dir);
});

describe("the upload command", () => {
  it("substitutes {file} and {sha256} in every argument, without a shell", () => {
    expect(uploadArgv(["up", "{file}", "s3://b/{sha256}.png", "--x={sha256}"], image)).toEqual([
      "up",
      image.absPath,
      `s3://b/${image.sha256}.png`,
      `--x=${image.sha256}`,
    ]);
  });

  it("reads the URL from the last non-empty line of stdout", () => {
    expect(urlFromOutput("log\nhttps://a.example/x.png\n\n")).toBe("https://a.example/x.png");
    expect(urlFromOutput("http://h:9/x?sig=1\r\n")).toBe("http://h:9/x?sig=1");
    expect(urlFromOutput("https://a.example/x.png\nall done\n")).toBeUndefined();
    expect(urlFromOutput("ftp://a.example/x.png")).toBeUndefined();
    expect(urlFromOutput("https://a.example/x.png https://b")).toBeUndefined();
    expect(urlFromOutput("")).toBeUndefined();
  });

  it("returns the printed URL", async () => {
    const url = await runUploadCommand([node, "upload.cjs", "{file}", "{sha256}"], image, {
      cwd: dir,
    });
    expect(url).toBe(`https://cdn.example.com/${image.sha256}.png`);
    expect(await readFile(join(dir, "calls.txt"), "utf8")).toContain(
      `${image.absPath} ${image.sha256}`,
    );
  });

  it("quotes stderr's tail when the command fails", async () => {
    const error = await runUploadCommand([node, "fail.cjs", "{file}"], image, { cwd: dir }).catch(
      (e: Error) => e,
    );
    expect((error as Error).message).toMatch(/still\.png: the upload command exited with code 3/);
    expect((error as Error).message).toContain("| AccessDenied: bucket");
  });

  it("quotes what it printed when the last line is not a URL", async () => {
    const error = await runUploadCommand([node, "nourl.cjs"], image, { cwd: dir }).catch(
      (e: Error) => e,
    );
    expect((error as Error).message).toMatch(/last line of output is not an http\(s\) URL/);
    expect((error as Error).message).toContain("| uploaded ok");
  });

  it("stops a command that runs too long", async () => {
    const error = await runUploadCommand([node, "slow.cjs"], image, {
      cwd: dir,
      timeoutMs: 300,
    }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/did not finish within 0\.3 s/);
  });

  it("names a program that does not exist", async () => {
    const error = await runUploadCommand(["gallop-no-such-uploader", "{file}"], image, {
      cwd: dir,
    }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/`gallop-no-such-uploader` was not found/);
  });
});

describe("uploadLocalImages", () => {
  const storyboard = (command?: string[]) => ({ dir, ...(command ? { upload: { command } } : {}) });

  it("uses the cache by content hash and records new uploads", async () => {
    const uploader = chooseUploader(storyboard([node, "upload.cjs", "{file}", "{sha256}"]));
    expect(uploader?.cacheable).toBe(true);
    const remembered: [string, string][] = [];
    const cached = new Map<string, string>();
    const cache = {
      lookup: (sha: string) => cached.get(sha),
      remember: async (sha: string, url: string) => {
        remembered.push([sha, url]);
        cached.set(sha, url);
      },
    };
    const before = (await readFile(join(dir, "calls.txt"), "utf8").catch(() => "")).split(
      "\n",
    ).length;
    const first = await uploadLocalImages([image], { uploader: uploader!, cache });
    const second = await uploadLocalImages([image], { uploader: uploader!, cache });
    expect(first.get(image.sha256)).toBe(`https://cdn.example.com/${image.sha256}.png`);
    expect(second).toEqual(first);
    expect(remembered).toHaveLength(1);
    const after = (await readFile(join(dir, "calls.txt"), "utf8")).split("\n").length;
    expect(after - before).toBe(1);
  });

  it("lists every failure in one InputError and still caches the uploads that worked", async () => {
    const gone: LocalImage = {
      path: "gone.png",
      absPath: join(dir, "gone.png"),
      sha256: "0".repeat(64),
    };
    const changed: LocalImage = { ...image, path: "changed.png", sha256: "1".repeat(64) };
    const remembered: string[] = [];
    const error = await uploadLocalImages([image, gone, changed], {
      uploader: chooseUploader(storyboard([node, "upload.cjs", "{file}", "{sha256}"]))!,
      cache: { lookup: () => undefined, remember: async (sha) => void remembered.push(sha) },
    }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(
      /^2 local images could not be uploaded, so nothing was submitted/,
    );
    expect((error as Error).message).toContain("gone.png: the file is gone");
    expect((error as Error).message).toContain(
      "changed.png: the file changed while gallop was running",
    );
    expect(remembered).toEqual([image.sha256]);
  });

  it("prefers the simulator under --simulate and never caches its URLs", async () => {
    const calls: string[] = [];
    const uploader = chooseUploader(storyboard(["never-run"]), {
      simulated: async (absPath) => {
        calls.push(absPath);
        return "http://127.0.0.1:1/sim/uploads/x.png";
      },
    });
    expect(uploader?.kind).toBe("simulator");
    const cache = { lookup: () => "https://stale/x.png", remember: async () => {} };
    const urls = await uploadLocalImages([image], { uploader: uploader!, cache });
    expect(urls.get(image.sha256)).toBe("http://127.0.0.1:1/sim/uploads/x.png");
    expect(calls).toEqual([image.absPath]);
  });

  it("explains how to add `upload:` when local images have no uploader", () => {
    expect(chooseUploader(storyboard())).toBeUndefined();
    expect(() => requireUploader([image], undefined)).toThrow(InputError);
    expect(() => requireUploader([image], undefined)).toThrow(/upload:\n {4}command: \[/);
    expect(() => requireUploader([], undefined)).not.toThrow();
  });

  it("collects each distinct local image once, in storyboard order", () => {
    const file = (p: string, sha: string) => ({
      kind: "file" as const,
      path: p,
      absPath: `/a/${p}`,
      sha256: sha,
    });
    const shot = (images: ReturnType<typeof file>[]) =>
      ({ images }) as unknown as Parameters<typeof localImagesOf>[0][number];
    const list = localImagesOf([
      shot([file("b.png", "2"), file("a.png", "1")]),
      shot([file("a-copy.png", "1"), file("c.png", "3")]),
    ]);
    expect(list.map((i) => i.path)).toEqual(["b.png", "a.png", "c.png"]);
  });
});
