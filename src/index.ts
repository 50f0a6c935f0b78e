/**
 * gallop as a library. The CLI (src/cli.ts) is a thin layer over these functions.
 * Each module adds its public functions here.
 */
export { main } from "./cli.js";
export * from "./errors.js";
export * from "./types.js";
