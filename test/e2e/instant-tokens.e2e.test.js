// How the instant triggers recognise a provider's delivery when the secret does not come back where it was put, in a
// real, running n8n (`n8n start`, production webhook URLs) against the local provider servers:
// - 2Chat and 99digital calling the registered URL without its query string (no token at all): a real message is
//   read back from the provider's history and emitted once; a forged one is refused (403) and starts nothing; n8n's
//   log has one warning naming the provider, without the secret;
// - DoubleTick sending the registration's secret bare in Authorization (not as `Bearer …`): accepted; a wrong value
//   in either form is refused.
const path = require('path');
const { startN8n, n8nBin } = require('./harness');
const { instantWorkflow, messageClock, emittedTexts } = require('./instant-helpers');
const { startWebhookSimulator } = require('../simulators/webhooks');
const { BUSINESS, CONTACTS } = require('../helpers/providers');

const PKG = path.resolve(__dirname, '../..');
const KEY = 'e2e-tokens-key';

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

/** The trigger with Event = inbound (99digital: taking over the number's webhook slot). */
const tokensWorkflow = (name, type, credentials) =>
	instantWorkflow({
		name,
		type,
		parameters: { businessNumber: BUSINESS, event: 'inbound', options: type === 'ninetyNineDigitalInstantTrigger' ? { replaceExistingWebhook: true } : {} },
		credentials,
	});
const inbound = messageClock();
const settled = async (workflowId, atLeast) => (await n8n.executionsSettled(workflowId, { atLeast })).length;
const emitted = (workflowId) => emittedTexts(n8n, workflowId);

const QUERY_PROVIDERS = [
	['2Chat', 'twochat', 'twoChatApi', 'twoChatInstantTrigger'],
	['99digital', 'ninetyninedigital', 'ninetyNineDigitalApi', 'ninetyNineDigitalInstantTrigger'],
];

test.each(QUERY_PROVIDERS)('%s calling the URL without its query string: real messages once, forged refused, one warning', async (label, key, credType, type) => {
	const sim = sims[key];
	if (key === 'ninetyninedigital') sim.webhooks.setSlot(BUSINESS, {});
	const cred = await n8n.createCredential({ name: `${label} tokens`, type: credType, data: { apiKey: KEY, baseUrl: sim.url } });
	const created = await n8n.createWorkflow(tokensWorkflow(`${label} tokens`, type, { [credType]: { id: cred.id, name: cred.name } }));
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
	expect(await settled(created.id, 2)).toBe(2);
	expect(await emitted(created.id)).toEqual([[`${label}: real, no token`], [`${label}: real again`]]);
	const warnings = n8n.log().split('\n').filter((l) => l.includes(`${label} called the webhook URL without the token`));
	expect(warnings).toHaveLength(1);
	expect(n8n.log()).not.toContain(secret);

	await n8n.deactivate(created);
}, 300000);

test('DoubleTick sending the secret bare in Authorization: accepted; a wrong value in either form refused', async () => {
	const sim = sims.doubletick;
	const cred = await n8n.createCredential({ name: 'doubletick tokens', type: 'doubleTickApi', data: { apiKey: KEY, baseUrl: sim.url } });
	const created = await n8n.createWorkflow(tokensWorkflow('doubletick tokens', 'doubleTickInstantTrigger', { doubleTickApi: { id: cred.id, name: cred.name } }));
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
	expect(await settled(created.id, 2)).toBe(2);
	expect(await emitted(created.id)).toEqual([['DoubleTick: bare secret'], ['DoubleTick: Bearer secret']]);
	await n8n.deactivate(created);
}, 300000);
