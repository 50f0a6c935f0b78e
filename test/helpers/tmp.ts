/** Temporary folders under the OS temp dir, removed by the test that made them. */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";

export function tempDir(prefix = "gallop-test-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** A folder's entries, sorted. */
export async function listDir(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

/**
 * A temp folder for the tests around the call (a file or a describe block): made before
 * them and removed after them, or a fresh one for each test with `perTest`. Read `.path`
 * inside a test or hook.
 */
export function useTempDir(
  prefix: string,
  options: { perTest?: boolean } = {},
): { readonly path: string } {
  let path: string | undefined;
  const [before, after] = options.perTest ? [beforeEach, afterEach] : [beforeAll, afterAll];
  before(async () => {
    path = await tempDir(prefix);
  });
  after(async () => {
    if (path) await removeDir(path);
    path = undefined;
  });
  return {
    get path() {
      if (!path) throw new Error("the temp folder is made before the tests; use it inside one");
      return path;
    },
  };
}
