/**
 * Every user-facing sentence of the HppyHorse client. None of them may contain the API key:
 * formatters receive the API's own text, which `redact` scrubs before it is quoted.
 */

export const ENV_API_KEY = "HPPYHORSE_API_KEY";
export const ENV_BASE_URL = "HPPYHORSE_BASE_URL";
export const DEFAULT_BASE_URL = "https://hppyhorse.com";

export const messages = {
  noApiKey: (envName: string) =>
    `No HppyHorse API key: ${envName} is not set.\n` +
    `  • To use the real API: export ${envName}=<your dashboard key> (or name another variable with --api-key-env NAME).\n` +
    "  • To try gallop without a key or any cost: add `--simulate` (a local simulator renders placeholder clips).",
  badApiKey: (envName: string) =>
    `The API key in ${envName} contains a space, line break or other character that cannot be ` +
    "sent in an HTTP header (the key itself is not shown). Set it to the key alone, e.g. " +
    `export ${envName}=<your dashboard key>.`,
  badApiKeyEnvName: (name: string) =>
    `--api-key-env ${JSON.stringify(name)}: not a valid environment variable name (letters, digits and _).`,
  badBaseUrl: (value: string, origin: string) =>
    `${origin} ${JSON.stringify(value)}: not an http(s) URL. Example: https://hppyhorse.com`,
  authRejected: (status: number, apiMessage: string) =>
    `The HppyHorse API rejected the API key (HTTP ${status}${apiMessage ? `: ${apiMessage}` : ""}). ` +
    "Check the key in your environment; nothing more will be submitted with it.",
  badRequest: (apiMessage: string) => `The HppyHorse API refused the request: ${apiMessage}`,
  rateLimited: (retryAfterMs: number | undefined) =>
    `The HppyHorse API is rate limiting requests (HTTP 429${
      retryAfterMs !== undefined ? `, retry after ${Math.ceil(retryAfterMs / 1000)} s` : ""
    }).`,
  serverError: (status: number, apiMessage: string) =>
    `The HppyHorse API answered with an error (HTTP ${status}${apiMessage ? `: ${apiMessage}` : ""}).`,
  envelopeError: (code: number, apiMessage: string) =>
    `The HppyHorse API answered HTTP 200 with error code ${code}${apiMessage ? `: ${apiMessage}` : ""}.`,
  malformed: (what: string) => `The HppyHorse API sent a response gallop cannot read (${what}).`,
  endpointNotFound: (url: string) =>
    `${url} answered 404 Not Found: check --base-url / HPPYHORSE_BASE_URL and --endpoints.`,
  unexpectedStatus: (status: number, apiMessage: string) =>
    `The HppyHorse API answered HTTP ${status}${apiMessage ? `: ${apiMessage}` : ""}.`,
  notSent: (cause: string) => `Could not reach the HppyHorse API (${cause}); nothing was sent.`,
  networkError: (cause: string) => `The connection to the HppyHorse API failed (${cause}).`,
  interrupted: "interrupted while waiting for the answer",
  requestTimeout: (ms: number) => `The HppyHorse API did not answer within ${formatMs(ms)}.`,
  uncertain: (cause: string) =>
    `The generate request was sent but its answer was lost (${cause}). A task may have been ` +
    "created and billed; gallop will not resubmit it on its own.",
  taskNotFound: (taskId: string) =>
    `Task ${taskId} is unknown to the HppyHorse API (HTTP 404): it has expired or was never created.`,
  taskFailed: (taskId: string, errorMessage: string | undefined) =>
    `Task ${taskId} failed: ${errorMessage || "Generation failed (the API gave no reason)."}`,
  successWithoutUrl: (taskId: string) =>
    `Task ${taskId} reported SUCCESS but no result URL; gallop treats that as a failure.`,
  pollTimeout: (taskId: string, ms: number) =>
    `Task ${taskId} did not finish within ${formatMs(ms)}. Its task id is kept; run again later to keep polling.`,
  downloadNotHttp: (url: string) =>
    `Refusing to download ${JSON.stringify(url)}: only http(s) result URLs are fetched.`,
  downloadHttp: (status: number) => `the server answered HTTP ${status}`,
  downloadShort: (got: number, expected: number) =>
    `the body ended after ${got} of ${expected} bytes`,
  downloadEmpty: "the body was empty",
  downloadNotMp4: "the file is not an MP4 (no ftyp box at bytes 4-8)",
  downloadStalled: (ms: number) => `no data arrived for ${formatMs(ms)}`,
  downloadFailed: (url: string, attempts: number, reason: string) =>
    `Could not download ${url} after ${attempts} attempt${attempts === 1 ? "" : "s"}: ${reason}.`,
};

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 100) / 10} s`;
  return `${Math.round(ms / 6000) / 10} min`;
}

/** Sentences about the command-line options of commands that talk to the API. */
export const optionMessages = {
  badDuration: (flag: string, value: string) =>
    `--${flag} ${JSON.stringify(value)}: not a duration. Write e.g. 500ms, 10s, 15m, 1h or a number of seconds.`,
  zeroDuration: (flag: string) => `--${flag} must be greater than zero.`,
  badEndpoints: (value: string) =>
    `--endpoints ${JSON.stringify(value)}: use v1.1 (/api/happyhorse-1-1/...) or stable (/api/generate, /api/status).`,
  simulateWithBaseUrl:
    "--simulate starts its own local simulator; drop --base-url (or drop --simulate to use that server).",
  uploadFailed: (path: string, reason: string) =>
    `Could not upload ${path} to the simulator: ${reason}`,
};
