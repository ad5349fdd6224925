// Cold-start floor for `require`: a CommonJS entry that requires one empty CommonJS module.
'use strict';
require('./empty.cjs');
