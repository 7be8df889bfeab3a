/**
 * Loads an ESM-only package as CommonJS for the unit runtime.
 *
 * Why: jest.config.js lets ts-jest transform only `ky` inside node_modules, so `@middy/core` (ESM only)
 * cannot be required by the handlers under test. Until that pattern also admits `@middy/`, handler
 * tests load the *real* middy through this shim:
 *   jest.mock('@middy/core', () => jest.requireActual('./support/esm-as-cjs').esmAsCommonJs('@middy/core'));
 * It is the package's own code, transpiled; nothing about its behaviour is faked.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import ts from 'typescript';

export function esmAsCommonJs(specifier: string): unknown {
  const file = require.resolve(specifier);
  const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      allowJs: true,
      esModuleInterop: true,
    },
  });
  const module = { exports: {} as Record<string, unknown> };
  const load = new Function('exports', 'require', 'module', '__filename', '__dirname', outputText);
  load(module.exports, require, module, file, dirname(file));
  return module.exports;
}
