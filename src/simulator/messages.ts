/** Every sentence the simulator sends or prints. */
import {
  ASPECT_RATIOS,
  GENERATE_BODY_FIELDS,
  MAX_DURATION,
  MIN_DURATION,
  MODELS,
  RESOLUTIONS,
} from "../types.js";

export const simMessages = {
  unauthorized: "Invalid or missing API key. Send it as `Authorization: Bearer <key>`.",
  notJson: "The request body is not valid JSON.",
  notObject: "The request body must be a JSON object.",
  unknownField: (field: string) =>
    `Unknown field "${field}". The 1.1 request body accepts: ${GENERATE_BODY_FIELDS.join(", ")}.`,
  missingModel: `"model" is required: one of ${MODELS.join(", ")}.`,
  unknownModel: (model: string) => `Unknown model "${model}". Use one of ${MODELS.join(", ")}.`,
  promptRequired: (model: string) => `"prompt" is required for ${model}.`,
  promptType: `"prompt" must be a non-empty string.`,
  imagesRequired: (field: string, model: string) =>
    `"${field}" is required for ${model}: a non-empty array of image URLs.`,
  imagesType: (field: string) => `"${field}" must be a non-empty array of http(s) URL strings.`,
  imageUrl: (field: string, index: number) =>
    `"${field}[${index}]" must be an http(s) URL the service can fetch.`,
  fieldNotForModel: (field: string, model: string) => `"${field}" is not accepted by ${model}.`,
  aspectRatioForImage:
    '"aspect_ratio" is not accepted by happyhorse-1-1/image-to-video: the video follows the source image.',
  durationType: `"duration" must be a number of seconds between ${MIN_DURATION} and ${MAX_DURATION}.`,
  durationRange: (value: number) =>
    `"duration" ${value} is outside the supported range ${MIN_DURATION}-${MAX_DURATION} seconds.`,
  resolution: (value: unknown) =>
    `"resolution" ${JSON.stringify(value)} is not supported. Use ${RESOLUTIONS.join(" or ")}.`,
  aspectRatio: (value: unknown) =>
    `"aspect_ratio" ${JSON.stringify(value)} is not supported. Use one of ${ASPECT_RATIOS.join(", ")}.`,
  taskIdRequired: 'The "task_id" query parameter is required.',
  taskNotFound: (id: string) => `Task "${id}" was not found.`,
  notFound: (path: string) => `No endpoint at ${path}.`,
  methodNotAllowed: (method: string, path: string) => `${method} is not supported on ${path}.`,
  fileNotReady: "This result is not available.",
  uploadEmpty: "The upload body is empty: send the raw image bytes.",
  uploadTooLarge: (limit: number) => `The upload exceeds ${limit} bytes.`,
  simulatedError: (status: number) => `Simulated server error (HTTP ${status}).`,
  rateLimited: "Too many requests (simulated). Retry after the time in Retry-After.",
  renderFailed: (reason: string) => `The simulator could not render this clip: ${reason}`,
  failures: [
    "The prompt was rejected by content moderation (simulated).",
    "The model could not render this scene; try rephrasing the prompt (simulated).",
    "Internal generation error (simulated).",
  ],
  banner: (url: string, key: string, generatedKey: boolean) =>
    [
      `HppyHorse 1.1 simulator listening on ${url}`,
      generatedKey
        ? `API key (generated for this simulator, fine to share): ${key}`
        : "API key: the one given with --key",
      "",
      "Point gallop at it:",
      `  HPPYHORSE_BASE_URL=${url} HPPYHORSE_API_KEY=${generatedKey ? key : "<your --key>"} gallop run storyboard.yaml`,
      "",
      "Press Ctrl-C to stop.",
      "",
    ].join("\n"),
  stoppedBy: (signal: string) => `Simulator stopped (${signal}).\n`,
  badNumber: (name: string, text: string, min: number, max: number) =>
    `--${name} ${JSON.stringify(text)}: expected a number from ${min} to ${max}.`,
  badPort: (text: string) => `--port ${JSON.stringify(text)}: expected a port number 0-65535.`,
  badLatency: (text: string) =>
    `--latency ${JSON.stringify(text)}: not a duration. Write e.g. 3s, 500ms or a number of seconds.`,
  badAudio: (text: string) => `--audio ${JSON.stringify(text)}: use some, always or never.`,
  badFault: (spec: string) =>
    `--fault ${JSON.stringify(spec)}: expected KIND:ENDPOINT[:N], e.g. 429:generate:2 or truncate:download:1. ` +
    "Kinds: 429, 500, 502, 503, 504, reset-before-body, reset-after-body, no-response, truncate, corrupt, " +
    "envelope-500, pending, success-no-url. Endpoints: generate, status, download, upload.",
  faultNotForEndpoint: (kind: string, endpoint: string) =>
    `Fault ${kind} does not apply to the ${endpoint} endpoint.`,
};
