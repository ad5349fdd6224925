// The ESM view of the same declarations (the `import` conditions point here).
export * from './index.js';
