// A polling trigger inside a real, running n8n: an active workflow, a message added to the local server, and
// the execution it produces read back through n8n's API.
const path = require('path');
const { startN8n, n8nBin } = require('./harness');
const { activateTwoChatTrigger } = require('./trigger-flow');
const { startSimulator } = require('../simulators');
const { BUSINESS, CONTACTS } = require('../helpers/providers');

const PKG = path.resolve(__dirname, '../..');
const KEY = 'e2e-trigger-key';

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

test('2Chat Trigger: a new inbound message starts the workflow once, with the normalized item; a late one too', async () => {
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
	// A message that reaches the history late (written on a phone that was offline 5 minutes before the newest one):
	// the next poll re-reads the overlap window and emits it, once.
	const late = sim.makeMessage({ timestamp: Date.now() - 5 * 60_000, direction: 'inbound', business: BUSINESS, contact: CONTACTS[2], text: 'late from an offline phone' });
	sim.add(late);
	const [second] = await n8n.waitForExecutions(created.id, 2);
	expect(n8n.nodeOutput(await n8n.waitForExecution(second.id), 'New Message').map((m) => [m.id, m.text])).toEqual([[late.uuid, 'late from an offline phone']]);
	// Later polls (every 4 s) see nothing new: the count stays at two.
	expect(await n8n.executionsSettled(created.id, { atLeast: 2, quietMs: 9000 })).toHaveLength(2);
	await n8n.deactivate(created);
});
