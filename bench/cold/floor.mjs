// Cold-start floor: an ES module entry that imports one empty ES module.
import './empty.mjs';
