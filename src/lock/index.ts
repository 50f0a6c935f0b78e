// Public API of src/lock/, re-exported by src/index.ts.
export {};
