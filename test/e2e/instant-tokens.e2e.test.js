// How the instant triggers recognise a provider's delivery when the secret does not come back where it was put, in a
// real, running n8n (`n8n start`, production webhook URLs) against the local provider servers:
// - 2Chat and 99digital calling the registered URL without its query string (no token at all): a real message is
//   read back from the provider's history and emitted once; a forged one is refused (403) and starts nothing; n8n's
//   log has one warning naming the provider, without the secret;
// - DoubleTick sending the registration's secret bare in Authorization (not as `Bearer …`): accepted; a wrong value
//   in either form is refused.
const path = require('path');
const crypto = require('crypto');
const { startN8n, n8nBin } = require('./harness');
const { startWebhookSimulator } = require('../simulators/webhooks');
const { BUSINESS, CONTACTS } = require('../helpers/providers');

const PKG = path.resolve(__dirname, '../..');
const KEY = 'e2e-tokens-key';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let n8n;
const sims = {};
beforeAll(async () => {
	sims.twochat = await startWebhookSimulator('twochat', { apiKey: KEY });
	sims.ninetyninedigital = await startWebhookSimulator('ninetyninedigital', { apiKey: KEY });
	sims.doubletick = await startWebhookSimulator('doubletick', { apiKey: KEY });
	n8n = await startN8n({ pkgDir: PKG, bin: n8nBin() });
}, 300000);
afterAll(async () => {
	if (n8n) await n8n.stop();
	for (const sim of Object.values(sims)) await sim.close();
});

function instantWorkflow(name, type, credentials) {
	return {
		name,
		nodes: [
			{
				id: crypto.randomUUID(),
				name: 'New Message',
				type: `n8n-nodes-whatsapp-history.${type}`,
				typeVersion: 1,
				position: [0, 0],
				webhookId: crypto.randomUUID(),
				parameters: { businessNumber: BUSINESS, event: 'inbound', options: type === 'ninetyNineDigitalInstantTrigger' ? { replaceExistingWebhook: true } : {} },
				credentials,
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
}

let clock = Math.floor(Date.now() / 1000) * 1000 + 5000;
const inbound = (text, contact = CONTACTS[0]) => {
	clock = Math.max(clock + 1000, Math.ceil(Date.now() / 1000) * 1000);
	return { timestamp: clock, direction: 'inbound', business: BUSINESS, contact, text };
};

/** The execution count once it has stopped changing (no fixed sleep: polled until three readings a second apart agree). */
async function settledExecutions(workflowId) {
	let last = -1;
	let same = 0;
	for (;;) {
		const count = (await n8n.executions(workflowId)).length;
		same = count === last ? same + 1 : 0;
		last = count;
		if (same >= 3) return count;
		await sleep(1000);
	}
}

/** The texts of every execution's items, oldest execution first. */
async function emitted(workflowId) {
	const out = [];
	for (const summary of (await n8n.executions(workflowId)).slice().reverse()) {
		out.push(n8n.nodeOutput(await n8n.waitForExecution(summary.id), 'New Message').map((m) => m.text));
	}
	return out;
}

const QUERY_PROVIDERS = [
	['2Chat', 'twochat', 'twoChatApi', 'twoChatInstantTrigger'],
	['99digital', 'ninetyninedigital', 'ninetyNineDigitalApi', 'ninetyNineDigitalInstantTrigger'],
];

test.each(QUERY_PROVIDERS)('%s calling the URL without its query string: real messages once, forged refused, one warning', async (label, key, credType, type) => {
	const sim = sims[key];
	if (key === 'ninetyninedigital') sim.webhooks.setSlot(BUSINESS, {});
	const cred = await n8n.createCredential({ name: `${label} tokens`, type: credType, data: { apiKey: KEY, baseUrl: sim.url } });
	const created = await n8n.createWorkflow(instantWorkflow(`${label} tokens`, type, { [credType]: { id: cred.id, name: cred.name } }));
	await n8n.activate(created);
	const secret = /token=([0-9a-f]+)/.exec(key === 'twochat' ? sim.webhooks.registrations()[0].url : sim.webhooks.slot(BUSINESS).url)[1];

	sim.webhooks.switches.dropQuery = true;
	Object.assign(sim.webhooks.switches, { retries: 40, retryDelayMs: 250 });
	const [real] = await sim.webhooks.deliver(inbound(`${label}: real, no token`));
	Object.assign(sim.webhooks.switches, { retries: 0 });
	const [forged] = await sim.webhooks.deliver(inbound(`${label}: forged, no token`), { store: false });
	const [again] = await sim.webhooks.deliver(inbound(`${label}: real again`, CONTACTS[1]));
	sim.webhooks.switches.dropQuery = false;
	sim.webhooks.switches.wrongSecret = true;
	const [wrong] = await sim.webhooks.deliver(inbound(`${label}: wrong token`));
	sim.webhooks.switches.wrongSecret = false;

	expect(real.attempts[real.attempts.length - 1].status).toBe(200);
	expect(forged.attempts.map((a) => a.status)).toEqual([403]);
	expect(again.attempts.map((a) => a.status)).toEqual([200]);
	expect(wrong.attempts.map((a) => a.status)).toEqual([403]);
	await n8n.waitForExecutions(created.id, 2);
	expect(await settledExecutions(created.id)).toBe(2);
	expect(await emitted(created.id)).toEqual([[`${label}: real, no token`], [`${label}: real again`]]);
	const warnings = n8n.log().split('\n').filter((l) => l.includes(`${label} called the webhook URL without the token`));
	expect(warnings).toHaveLength(1);
	expect(n8n.log()).not.toContain(secret);

	await n8n.deactivate(created);
}, 300000);

test('DoubleTick sending the secret bare in Authorization: accepted; a wrong value in either form refused', async () => {
	const sim = sims.doubletick;
	const cred = await n8n.createCredential({ name: 'doubletick tokens', type: 'doubleTickApi', data: { apiKey: KEY, baseUrl: sim.url } });
	const created = await n8n.createWorkflow(instantWorkflow('doubletick tokens', 'doubleTickInstantTrigger', { doubleTickApi: { id: cred.id, name: cred.name } }));
	await n8n.activate(created);
	const [reg] = sim.webhooks.registrations();
	const secret = reg.auth.payload;
	// The messages are stored at the provider; their deliveries are sent by hand below, with the header in each form.
	sim.webhooks.switches.drop = 2;
	const [bareOne] = await sim.webhooks.deliver(inbound('DoubleTick: bare secret'));
	const [bearerOne] = await sim.webhooks.deliver(inbound('DoubleTick: Bearer secret'));
	const post = (payload, authorization) => n8n.webhook(`${created.nodes[0].webhookId}/webhook`, { method: 'POST', body: payload, headers: { authorization } });
	expect((await post(bareOne.payload, `${secret}0`)).status).toBe(403);
	expect((await post(bareOne.payload, `Bearer ${secret}0`)).status).toBe(403);
	expect((await post(bareOne.payload, secret)).status).toBe(200);
	expect((await post(bearerOne.payload, `Bearer ${secret}`)).status).toBe(200);
	await n8n.waitForExecutions(created.id, 2);
	expect(await settledExecutions(created.id)).toBe(2);
	expect(await emitted(created.id)).toEqual([['DoubleTick: bare secret'], ['DoubleTick: Bearer secret']]);
	await n8n.deactivate(created);
}, 300000);
