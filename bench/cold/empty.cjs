// Intentionally empty: the module the CommonJS cold-start floor requires.
