/** Two projects so the fast suite stays fast: `jest --selectProjects unit` skips the end-to-end boot. */
const transform = {
  '^.+\\.(t|j)sx?$': [
    'ts-jest',
    {
      // isolatedModules: transpile only (fast); `npm run typecheck` does the type checking.
      tsconfig: {
        module: 'commonjs',
        moduleResolution: 'node',
        allowJs: true,
        esModuleInterop: true,
        target: 'ES2022',
        isolatedModules: true,
      },
    },
  ],
};
// ky 1.x and @middy/core 6.x ship ESM only; let ts-jest turn it into CommonJS for the test runtime.
const setupFiles = ['<rootDir>/test/setup-env.js'];
const transformIgnorePatterns = ['/node_modules/(?!(ky|@middy)/)'];

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      transform,
      transformIgnorePatterns,
    },
    {
      displayName: 'infra',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/infra/**/*.test.ts'],
      transform,
      transformIgnorePatterns,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      transform,
      transformIgnorePatterns,
    },
  ],
};
