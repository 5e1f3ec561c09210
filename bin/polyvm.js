#!/usr/bin/env node
// The `polyvm` command: the bundled command line (bin/bundle.js) when it is as new as the
// compiled modules, else (or with POLYVM_BUNDLE=0) the modules of dist/cli/. A CommonJS script
// (bin/package.json), so that starting needs no ES module loader.
'use strict';
const { join } = require('node:path');
const { loadBundle } = require('./bundle.js');

const bundle = loadBundle(join(__dirname, '..', 'dist'));
(bundle !== undefined ? Promise.resolve(bundle.exports) : import('../dist/cli/main.js'))
  .then(({ main }) => main(process.argv.slice(2)))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`polyvm: internal error: ${error && error.stack ? error.stack : error}\n`);
      process.exitCode = 70;
    },
  );
