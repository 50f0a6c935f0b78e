/**
 * The real simulator for a test file: started on port 0 before its tests, closed after them,
 * and what its request log says about paid submissions and downloads.
 */
import { afterAll, beforeAll } from "vitest";
import { canonicalJson } from "../../src/manifest/index.js";
import {
  type SimRequest,
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from "../../src/simulator/index.js";

/**
 * Registers beforeAll/afterAll hooks and returns the simulator they run; its fields are read
 * when a test uses them, so the handle can be a module constant.
 */
export function useSimulator(options: SimulatorOptions): Simulator {
  let sim: Simulator | undefined;
  beforeAll(async () => {
    sim = await startSimulator(options);
  });
  afterAll(async () => {
    await sim?.close();
  });
  const current = (): Simulator => {
    if (!sim) throw new Error("the simulator starts in beforeAll; use it inside a test");
    return sim;
  };
  return {
    get url() {
      return current().url;
    },
    get key() {
      return current().key;
    },
    get port() {
      return current().port;
    },
    get requests() {
      return current().requests;
    },
    get tasks() {
      return current().tasks;
    },
    addFaults: (...faults) => current().addFaults(...faults),
    imagePathFor: (url) => current().imagePathFor(url),
    close: () => current().close(),
    [Symbol.asyncDispose]: () => current().close(),
  };
}

export const generates = (requests: SimRequest[]) =>
  requests.filter((r) => r.endpoint === "generate" && r.taskId);
export const generateAttempts = (requests: SimRequest[]) =>
  requests.filter((r) => r.endpoint === "generate");
export const downloads = (requests: SimRequest[]) =>
  requests.filter((r) => r.endpoint === "download" && r.method === "GET" && r.status === 200);

/** How many times each distinct request body was submitted. */
export function submissionsPerBody(requests: SimRequest[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of generateAttempts(requests)) {
    const key = canonicalJson(r.body);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
