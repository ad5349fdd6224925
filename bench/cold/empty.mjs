// A bare ES module: what any ESM script pays before it imports anything (Node's ES module
// loader). The package's `import` scenario is netted against it (bench/coldstart.mjs).
export {};
