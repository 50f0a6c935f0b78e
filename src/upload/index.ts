// Public API of src/upload/, re-exported by src/index.ts.
export {
  type LocalImage,
  runUploadCommand,
  UPLOAD_TIMEOUT_MS,
  type UploadCommandOptions,
  uploadArgv,
  urlFromOutput,
} from "./command.js";
export {
  type ChooseUploaderOptions,
  chooseUploader,
  localImagesOf,
  requireUploader,
  type UploadCache,
  type Uploader,
  type UploadLocalImagesOptions,
  uploadLocalImages,
} from "./uploads.js";
