// Starts a real n8n with this package loaded, the four local provider simulators (300 messages each) and a
// credential for each pointing at them. Prints the address and the login; Ctrl+C stops everything.
const path = require('path');
const { startN8n, n8nBin } = require('../test/e2e/harness');
const { startSimulator } = require('../test/simulators');

const PROVIDERS = [
	['doubletick', 'doubleTickApi', 'DoubleTick'],
	['twochat', 'twoChatApi', '2Chat'],
	['chirp', 'chirpApi', 'Chirp'],
	['ninetyninedigital', 'ninetyNineDigitalApi', '99digital'],
];
const BUSINESS = '+972501234567';

(async () => {
	const sims = [];
	const n8n = await startN8n({ pkgDir: path.resolve(__dirname, '..'), bin: n8nBin() });
	const stop = async () => {
		await n8n.stop();
		for (const s of sims) await s.close();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	for (const [name, type, label] of PROVIDERS) {
		const sim = await startSimulator(name, { apiKey: `demo-key-${name}`, business: BUSINESS });
		sim.generate(300, { business: BUSINESS, start: Date.now() - 300 * 3600_000, stepMs: 3600_000, mediaEvery: 20 });
		sims.push(sim);
		await n8n.createCredential({ name: `${label} (local simulator)`, type, data: { apiKey: sim.apiKey, baseUrl: sim.url } });
		console.log(`${label} simulator: ${sim.url} (business number ${BUSINESS}, contacts +972502222222, +972503333333, +972504444444)`);
	}
	console.log(`\nn8n ${n8n.version} with n8n-nodes-whatsapp-history is running at ${n8n.base}`);
	console.log('Log in as owner@e2e.test / E2e-Passw0rd-1. Ctrl+C stops n8n and the simulators.');
})().catch((error) => {
	console.error(error);
	process.exit(1);
});
