// Public API of src/takes/, re-exported by src/index.ts.
export { takeLabel } from "./messages.js";
export { type PickResult, parseTake, pickTake } from "./pick.js";
