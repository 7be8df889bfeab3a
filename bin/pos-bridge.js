#!/usr/bin/env node
// `npx pos-bridge …`: runs the TypeScript CLI through tsx (a dev dependency), so there is no build step.
// tsx's loader hooks both require() and import() of .ts files (the CLI loads its commands lazily),
// as `node --import tsx` would; it is resolved from here, so any working directory will do.
const { pathToFileURL } = require('node:url');

import(pathToFileURL(require.resolve('tsx')).href)
  .then(() => import(pathToFileURL(require.resolve('./pos-bridge.ts')).href))
  .catch((error) => {
    process.stderr.write(`pos-bridge: ${error.message}\n`);
    process.exitCode = 1;
  });
