// Public API of src/api/, re-exported by src/index.ts.
export {
  type ClientOptions,
  createClient,
  DEFAULT_REQUEST_TIMEOUT_MS,
  ENDPOINT_PATHS,
  type EndpointFamily,
  requestBody,
  requireResultUrl,
} from "./client.js";
export {
  type ApiConfig,
  type ApiConfigInput,
  normaliseBaseUrl,
  resolveApiConfig,
  resolveApiKey,
  resolveBaseUrl,
} from "./config.js";
export { DEFAULT_BASE_URL, ENV_API_KEY, ENV_BASE_URL } from "./messages.js";
export { fullJitter, nextPollInterval, parseRetryAfter } from "./retry.js";
export type {
  DownloadResult,
  HppyHorseClient,
  PollEvent,
  TaskPhase,
  TaskStatus,
  WaitOptions,
} from "./types.js";
