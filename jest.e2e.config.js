// Real-n8n suites: the built package loaded into a real n8n (installed by scripts/install-n8n.sh), workflows run
// through n8n's REST API and CLI against the local provider servers. N8N_VERSION picks the n8n line.
// The package is copied into n8n's nodes folder as an install would put it (no node_modules of its own), so it
// uses the n8n-workflow of the n8n under test, whatever its version.
process.env.E2E_PKG_MODE = process.env.E2E_PKG_MODE || 'copy';

module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.js', '<rootDir>/test/browser/**/*.e2e.test.js'],
	testTimeout: 300000,
	// The n8n install happens here, before the suites, where no hook timeout applies.
	globalSetup: '<rootDir>/test/e2e/global-setup.js',
	maxWorkers: 1,
};
