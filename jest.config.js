/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.test.json" }],
  },
  // The serialized provider shim requires this package by name; under jest that
  // name must resolve to the sources, outside jest to dist (see package.json exports).
  moduleNameMapper: {
    "^pulumi-atlas-users$": "<rootDir>/provider/index.ts",
    "^pulumi-atlas-users/internal/(.*)$": "<rootDir>/provider/$1.ts",
  },
  testTimeout: 60000,
  maxWorkers: 2,
};
