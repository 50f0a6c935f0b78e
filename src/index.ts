/**
 * gallop as a library: `import { loadStoryboard, ... } from "gallop"`.
 * The CLI (src/cli.ts) is a thin layer over these same functions.
 * Each module's public API lives in its own index.ts.
 */
export * from "./api/index.js";
export { main } from "./cli.js";
export * from "./errors.js";
export * from "./lock/index.js";
export * from "./manifest/index.js";
export * from "./media/index.js";
export * from "./paths.js";
export * from "./report/index.js";
export * from "./run/index.js";
export * from "./shard/index.js";
export * from "./simulator/index.js";
export * from "./takes/index.js";
export * from "./types.js";
export * from "./upload/index.js";
