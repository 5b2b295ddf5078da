// A polling trigger inside a real, running n8n: an active workflow, a message added to the local server, and
// the execution it produces read back through n8n's API.
const path = require('path');
const { startN8n, n8nBin } = require('./harness');
const { activateTwoChatTrigger } = require('./trigger-flow');
const { startSimulator } = require('../simulators');
const { BUSINESS, CONTACTS } = require('../helpers/providers');

const PKG = path.resolve(__dirname, '../..');
const KEY = 'e2e-trigger-key';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let n8n;
let sim;
beforeAll(async () => {
	sim = await startSimulator('twochat', { apiKey: KEY });
	sim.generate(10, { business: BUSINESS, contacts: CONTACTS, start: Date.now() - 3600_000, stepMs: 60_000 });
	n8n = await startN8n({ pkgDir: PKG, bin: n8nBin() });
}, 300000);
afterAll(async () => {
	if (n8n) await n8n.stop();
	if (sim) await sim.close();
});

test('2Chat Trigger: a new inbound message starts the workflow once, with the normalized item', async () => {
	const cred = await n8n.createCredential({ name: '2chat trigger', type: 'twoChatApi', data: { apiKey: KEY, baseUrl: sim.url } });
	const created = await activateTwoChatTrigger(n8n, sim, { name: 'new whatsapp message', cred, business: BUSINESS });

	const arrival = sim.makeMessage({ timestamp: Date.now(), direction: 'inbound', business: BUSINESS, contact: CONTACTS[1], text: 'hello from the e2e test' });
	sim.add(arrival);
	sim.add(sim.makeMessage({ timestamp: Date.now() + 1, direction: 'outbound', business: BUSINESS, contact: CONTACTS[1], text: 'our reply' }));
	const [summary] = await n8n.waitForExecutions(created.id, 1);
	const execution = await n8n.waitForExecution(summary.id);
	const items = n8n.nodeOutput(execution, 'New Message');
	expect(items).toEqual([
		expect.objectContaining({ id: arrival.uuid, provider: '2chat', direction: 'inbound', status: 'received', text: 'hello from the e2e test', contactNumber: CONTACTS[1], businessNumber: BUSINESS }),
	]);
	// Later polls see nothing new: still one execution.
	await sleep(9000);
	expect(await n8n.executions(created.id)).toHaveLength(1);
	await n8n.deactivate(created);
});
