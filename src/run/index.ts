// Public API of src/run/, re-exported by src/index.ts.
export {};
