// Unit and local-server tests run against the built package (dist/): `npm run build` first.
// The real-n8n suites live in test/e2e and test/browser and have their own config (jest.e2e.config.js).
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['<rootDir>/test/unit/**/*.test.js', '<rootDir>/test/simulators/**/*.test.js'],
	testTimeout: 60000,
};
