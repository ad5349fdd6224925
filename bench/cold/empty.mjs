// Intentionally empty: the module the cold-start floor imports.
