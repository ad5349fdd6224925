// Empty: bench/cold/exports-map/require-empty.cjs requires it through the exports map.
