// Public API of src/media/, re-exported by src/index.ts.
export {};
