#!/usr/bin/env node
// Runs the compiled CLI when the workspace was built, else the TypeScript source through swc.
const path = require('node:path');
const fs = require('node:fs');
const built = path.join(__dirname, '..', '..', '..', 'dist', 'libs', 'kafka-dev-broker', 'src', 'cli.js');
if (fs.existsSync(built)) {
  require(built);
} else {
  require('@swc-node/register');
  require(path.join(__dirname, '..', 'src', 'cli.ts'));
}
