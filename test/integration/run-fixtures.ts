/** Moved to test/helpers/storyboard.ts and test/helpers/simulator.ts; kept for tests written against this path. */
export * from "../helpers/simulator.js";
export * from "../helpers/storyboard.js";
