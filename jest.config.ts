/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 20000,
  // One temporary directory per run, removed at its end (test/setup/temp-root.cjs).
  globalSetup: '<rootDir>/test/setup/temp-root.cjs',
  globalTeardown: '<rootDir>/test/setup/temp-root-teardown.cjs',
};

export default config;
