// Public API of src/manifest/, re-exported by src/index.ts.
export {};
