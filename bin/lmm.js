#!/usr/bin/env node
'use strict';
// The lmm command line; its bundle is built by `npm run build` (scripts/build.mjs).
require('../dist/cli/lmm.js').runFromProcess();
