// Public API of src/simulator/, re-exported by src/index.ts.
export {
  ENDPOINT_KINDS,
  type EndpointKind,
  FAULT_KINDS,
  type Fault,
  type FaultKind,
  parseFault,
} from "./faults.js";
export { findFont } from "./font.js";
export { type ClipSize, clipSize, RENDER_FPS, type RenderOptions, renderClip } from "./render.js";
export {
  type SimRequest,
  type SimTask,
  type SimTaskState,
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from "./server.js";
export { validateGenerate } from "./validate.js";
