#!/usr/bin/env node
// Production build: type-check the whole workspace, then compile every lib, service and
// tool with swc into dist/, rewriting the @fieldforce/* aliases to relative paths.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json']);

const tsconfig = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));
const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
swcrc.jsc.baseUrl = root;
swcrc.jsc.paths = tsconfig.compilerOptions.paths;
swcrc.exclude = ['\\.spec\\.ts$', '\\.int-spec\\.ts$', '\\.e2e-spec\\.ts$'];
const buildRc = path.join(root, 'dist', '.swcrc.build');
fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
fs.mkdirSync(path.dirname(buildRc), { recursive: true });
fs.writeFileSync(buildRc, JSON.stringify(swcrc));
run(process.execPath, [
  require.resolve('@swc/cli/bin/swc.js'),
  'libs', 'services', 'tools',
  '--out-dir', 'dist', '--config-file', buildRc, '--copy-files', '--ignore', '**/test/**,**/*.spec.ts,**/*.int-spec.ts',
  '--quiet',
]);
fs.rmSync(buildRc);
