// Public API of src/simulator/, re-exported by src/index.ts.
export {};
