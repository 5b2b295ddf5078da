// Installs the n8n under test (scripts/install-n8n.sh, N8N_VERSION) once before any suite starts. On a machine
// without the install cache this takes minutes; inside a suite's beforeAll it would run into the hook's timeout.
const { n8nBin } = require('./harness');

module.exports = async () => {
	const bin = n8nBin();
	process.stderr.write(`[e2e] n8n ready: ${bin}\n`);
};
