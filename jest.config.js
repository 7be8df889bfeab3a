/** Three projects so the fast suite stays fast: `jest --selectProjects unit` skips the end-to-end boot. */
const shared = {
  testEnvironment: 'node',
  transform: {
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
  },
  // ky 1.x and @middy/core 6.x ship ESM only; let ts-jest turn them into CommonJS for the test runtime.
  transformIgnorePatterns: ['/node_modules/(?!(ky|@middy)/)'],
  setupFiles: ['<rootDir>/test/setup-env.js'],
};

module.exports = {
  // Two workers: the end-to-end files mostly wait (batching windows, timers), so two share 2 cores well.
  maxWorkers: 2,
  projects: [
    { displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'], ...shared },
    { displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'], ...shared },
    {
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      ...shared,
    },
  ],
};
