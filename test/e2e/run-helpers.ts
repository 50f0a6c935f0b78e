/** Moved to test/helpers/bin.ts; kept for tests written against this path. */
export { type BinRun, bin, startBin } from "../helpers/bin.js";
