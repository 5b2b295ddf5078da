// Starts a real n8n with this package loaded, the four local provider servers filled with demo data
// (test/simulators/demo.js) and a credential for each pointing at them. Ends by printing everything needed to
// try every operation — the same values as the README's "Try it" section. Ctrl+C stops everything.
const net = require('net');
const path = require('path');
const { startN8n, n8nBin } = require('../test/e2e/harness');
const { startSimulator } = require('../test/simulators');
const { seedDemo } = require('../test/simulators/demo');

const PROVIDERS = [
	['doubletick', 'doubleTickApi', 'DoubleTick'],
	['twochat', 'twoChatApi', '2Chat'],
	['chirp', 'chirpApi', 'Chirp'],
	['ninetyninedigital', 'ninetyNineDigitalApi', '99digital'],
];
const OWNER = { email: 'alex@example.com', firstName: 'Alex', lastName: 'Morgan', password: 'Try-it-locally-1' };
const WANTED_PORT = Number(process.env.N8N_PORT) || 5678;

/** Is the port free on every interface (n8n listens on all of them)? */
function portFree(port) {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.once('error', () => resolve(false));
		srv.listen(port, () => srv.close(() => resolve(true)));
	});
}

(async () => {
	const sims = [];
	const port = (await portFree(WANTED_PORT)) ? WANTED_PORT : undefined;
	if (!port) console.log(`Port ${WANTED_PORT} is in use: n8n gets a free port instead (N8N_PORT=… picks another).`);
	console.log('Starting n8n with the package loaded (about half a minute)…');
	const n8n = await startN8n({ pkgDir: path.resolve(__dirname, '..'), bin: n8nBin(), owner: OWNER, port });
	const stop = async () => {
		await n8n.stop();
		for (const s of sims) await s.close();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	const rows = [];
	let demo;
	for (const [name, type, label] of PROVIDERS) {
		const sim = await startSimulator(name, { apiKey: `demo-key-${name}` });
		demo = seedDemo(sim, name);
		sims.push(sim);
		await n8n.createCredential({ name: `${label} (local test server)`, type, data: { apiKey: sim.apiKey, baseUrl: sim.url } });
		rows.push([label, demo.messageId, demo.sessionKey]);
	}
	const contacts = demo.contacts.map((c) => `${c.number} (${c.name})`).join(', ');
	const out = [
		'',
		`n8n ${n8n.version} with n8n-nodes-whatsapp-history is running at ${n8n.base.replace('127.0.0.1', 'localhost')}`,
		`Log in as ${OWNER.email} / ${OWNER.password}`,
		'',
		'Try it: add a DoubleTick, 2Chat, Chirp or 99digital node; its credential "<provider> (local test server)" is ready.',
		`  Business Number   ${demo.business}`,
		`  Contact Number    ${contacts}`,
		'  Get Message       Message ID (and, on 2Chat, Session Key):',
		...rows.map(([label, id, key]) => `    ${label.padEnd(11)} ${id}${key ? `   Session Key ${key}` : ''}`),
		'  Get Many          on DoubleTick also Filters → Contact Number (it lists one contact at a time)',
		'',
		'Ctrl+C stops n8n and the local test servers.',
	];
	console.log(out.join('\n'));
})().catch((error) => {
	console.error(error);
	process.exit(1);
});
