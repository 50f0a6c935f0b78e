/** The fingerprint of a shot: sha256 of the canonical JSON of the exact request body. */
import { createHash } from "node:crypto";
import type { GenerateRequest, ImageRef, ResolvedShot } from "../types.js";

/** JSON with object keys sorted at every level, no whitespace; arrays keep their order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(",")}]`;
  const entries = Object.keys(value)
    .sort()
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .map(
      (key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`,
    );
  return `{${entries.join(",")}}`;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** sha256 (hex) of the canonical JSON of a request. */
export function fingerprintRequest(request: GenerateRequest): string {
  return sha256Hex(canonicalJson(request));
}

/** How a local image appears in `request` (and so in the fingerprint) until it is uploaded. */
export function localImagePlaceholder(sha256: string): string {
  return `local-sha256:${sha256}`;
}

/**
 * The request to send: the shot's request with each image (local placeholders included)
 * replaced by `urlFor(image)`, in the shot's image order. The shot is not changed.
 */
export function requestWithImageUrls(
  shot: ResolvedShot,
  urlFor: (image: ImageRef) => string,
): GenerateRequest {
  const request: GenerateRequest = { ...shot.request };
  const urls = shot.images.map((image) => urlFor(image));
  if (request.image_urls) request.image_urls = urls;
  if (request.reference_image) request.reference_image = urls;
  return request;
}
