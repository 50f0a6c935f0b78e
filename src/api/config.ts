/**
 * Where the client's key and base URL come from: the environment only (never a file), with
 * command-line overrides for the base URL and for the name of the key's variable.
 */
import { ExitError, UsageError } from "../errors.js";
import { DEFAULT_BASE_URL, ENV_API_KEY, ENV_BASE_URL, messages } from "./messages.js";

export interface ApiConfigInput {
  env: NodeJS.ProcessEnv;
  /** --base-url */
  baseUrl?: string;
  /** --api-key-env NAME */
  apiKeyEnv?: string;
}

export interface ApiConfig {
  baseUrl: string;
  apiKey: string;
}

/** Checks and normalises a base URL (http or https, no trailing slash). */
export function normaliseBaseUrl(value: string, origin: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(messages.badBaseUrl(value, origin));
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(messages.badBaseUrl(value, origin));
  }
  return url.toString().replace(/\/+$/, "");
}

/** The base URL: --base-url, then HPPYHORSE_BASE_URL, then https://hppyhorse.com. */
export function resolveBaseUrl(input: ApiConfigInput): string {
  if (input.baseUrl) return normaliseBaseUrl(input.baseUrl, "--base-url");
  const fromEnv = input.env[ENV_BASE_URL];
  if (fromEnv) return normaliseBaseUrl(fromEnv, ENV_BASE_URL);
  return DEFAULT_BASE_URL;
}

/** The key from HPPYHORSE_API_KEY (or the variable named by --api-key-env), or a clear ExitError. */
export function resolveApiKey(input: ApiConfigInput): string {
  const name = input.apiKeyEnv ?? ENV_API_KEY;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UsageError(messages.badApiKeyEnvName(name));
  const key = input.env[name]?.trim();
  if (!key) throw new ExitError(messages.noApiKey(name), 2);
  // Visible ASCII only: fetch would reject anything else and quote the whole header (the key).
  if (!/^[\x21-\x7e]+$/.test(key)) throw new ExitError(messages.badApiKey(name), 2);
  return key;
}

export function resolveApiConfig(input: ApiConfigInput): ApiConfig {
  return { baseUrl: resolveBaseUrl(input), apiKey: resolveApiKey(input) };
}
