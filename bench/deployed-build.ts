/**
 * Every Lambda entry and the esbuild options it is deployed with (lib/bridge-function.ts bundles with
 * aws-cdk-lib's NodejsFunction and these options): the bench times these bundles, and a unit test checks
 * what the ingress bundles do at import.
 */
import type { BuildOptions } from 'esbuild';

export const INGRESS_ENTRIES = new Set(['sinqro-webhook', 'sinqro-events', 'pos-webhook']);
export const LAMBDA_ENTRIES = [
  'sinqro-webhook',
  'sinqro-events',
  'pos-webhook',
  'adapter-worker',
  'sinqro-publisher',
  'scheduler',
];

export const DEPLOYED_BUILD: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  mainFields: ['module', 'main'],
  banner: {
    js: "import { createRequire as __bridgeCreateRequire } from 'node:module'; const require = __bridgeCreateRequire(import.meta.url);",
  },
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'error',
};
