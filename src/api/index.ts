// Public API of src/api/, re-exported by src/index.ts.
export {};
