// Cold-start floor for a package with an exports map, as the package has (one entry per
// runtime): require an empty module by its package name, which Node 20 resolves through
// the map with its ES module resolver, loaded on first use. A package without a map (pop-core
// has none) is resolved by `main` and does not load it.
'use strict';
require('cold-exports-map/empty');
