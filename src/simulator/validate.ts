/**
 * The simulator's reading of the API document: which generate bodies are invalid (400).
 * Where the document is silent the simulator is strict, so gallop's own mistakes surface:
 * unknown fields, image fields on models that do not take them, and aspect_ratio on
 * image-to-video (the document lists aspect_ratio for text- and reference-to-video only).
 */
import {
  ASPECT_RATIOS,
  type AspectRatio,
  GENERATE_BODY_FIELDS,
  type GenerateRequest,
  MAX_DURATION,
  MIN_DURATION,
  MODELS,
  type ModelId,
  RESOLUTIONS,
  type Resolution,
} from "../types.js";
import { simMessages } from "./messages.js";

export type Validation = { ok: true; request: GenerateRequest } | { ok: false; message: string };

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== "string") return false;
  try {
    const { protocol } = new URL(value);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

function checkImages(
  body: Record<string, unknown>,
  field: "image_urls" | "reference_image",
  model: ModelId,
  wanted: boolean,
): string | undefined {
  const value = body[field];
  if (!wanted) return value === undefined ? undefined : simMessages.fieldNotForModel(field, model);
  if (value === undefined) return simMessages.imagesRequired(field, model);
  if (!Array.isArray(value) || value.length === 0) return simMessages.imagesType(field);
  const bad = value.findIndex((url) => !isHttpUrl(url));
  return bad >= 0 ? simMessages.imageUrl(field, bad) : undefined;
}

export function validateGenerate(body: unknown): Validation {
  const fail = (message: string): Validation => ({ ok: false, message });
  if (!body || typeof body !== "object" || Array.isArray(body)) return fail(simMessages.notObject);
  const record = body as Record<string, unknown>;
  const unknown = Object.keys(record).find(
    (key) => !(GENERATE_BODY_FIELDS as readonly string[]).includes(key),
  );
  if (unknown !== undefined) return fail(simMessages.unknownField(unknown));
  const model = record.model;
  if (model === undefined) return fail(simMessages.missingModel);
  if (typeof model !== "string" || !(MODELS as readonly string[]).includes(model)) {
    return fail(simMessages.unknownModel(String(model)));
  }
  const modelId = model as ModelId;
  const prompt = record.prompt;
  if (prompt !== undefined && (typeof prompt !== "string" || prompt.trim() === "")) {
    return fail(simMessages.promptType);
  }
  if (prompt === undefined && modelId !== "happyhorse-1-1/image-to-video") {
    return fail(simMessages.promptRequired(modelId));
  }
  const imageError =
    checkImages(record, "image_urls", modelId, modelId === "happyhorse-1-1/image-to-video") ??
    checkImages(
      record,
      "reference_image",
      modelId,
      modelId === "happyhorse-1-1/reference-to-video",
    );
  if (imageError) return fail(imageError);
  const duration = record.duration ?? 5;
  if (typeof duration !== "number" || !Number.isFinite(duration)) {
    return fail(simMessages.durationType);
  }
  if (duration < MIN_DURATION || duration > MAX_DURATION) {
    return fail(simMessages.durationRange(duration));
  }
  const resolution = record.resolution ?? "1080p";
  if (!(RESOLUTIONS as readonly unknown[]).includes(resolution)) {
    return fail(simMessages.resolution(resolution));
  }
  const ratio = record.aspect_ratio;
  if (ratio !== undefined) {
    if (modelId === "happyhorse-1-1/image-to-video") return fail(simMessages.aspectRatioForImage);
    if (!(ASPECT_RATIOS as readonly unknown[]).includes(ratio)) {
      return fail(simMessages.aspectRatio(ratio));
    }
  }
  const request: GenerateRequest = {
    model: modelId,
    duration,
    resolution: resolution as Resolution,
  };
  if (typeof prompt === "string") request.prompt = prompt;
  if (Array.isArray(record.image_urls)) request.image_urls = record.image_urls as string[];
  if (Array.isArray(record.reference_image)) {
    request.reference_image = record.reference_image as string[];
  }
  if (modelId !== "happyhorse-1-1/image-to-video") {
    request.aspect_ratio = (ratio as AspectRatio | undefined) ?? "16:9";
  }
  return { ok: true, request };
}
