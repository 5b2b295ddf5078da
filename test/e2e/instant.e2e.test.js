// The instant (webhook) triggers inside a real, running n8n (`n8n start`), against the local provider servers with
// their webhook management API and delivery engine (test/simulators/webhooks.js). The provider calls n8n's production
// webhook URL (http://127.0.0.1:<port>/webhook/<id>/webhook, n8n's default for N8N_HOST/N8N_PORT).
// For all four providers: activate → one registration; three n8n restarts → still one; a delivery → one execution with
// the normalized item; a wrong secret → 403, no execution; a status event → no execution; a duplicate delivery → one
// execution; n8n stopped while five deliveries are lost, started, one more delivered → one execution with all six,
// oldest first; deactivate → no registration (99digital: the previous URL and settings restored; DoubleTick, which
// cannot delete webhooks: a warning in n8n's log naming the one to remove by hand).
const path = require('path');
const { startN8n, n8nBin } = require('./harness');
const { instantWorkflow, messageClock, deliverLive, emittedTexts, until } = require('./instant-helpers');
const { startWebhookSimulator } = require('../simulators/webhooks');
const { BUSINESS, CONTACTS } = require('../helpers/providers');

const PKG = path.resolve(__dirname, '../..');
const KEY = 'e2e-instant-key';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let n8n;
const sims = {};
beforeAll(async () => {
	sims.twochat = await startWebhookSimulator('twochat', { apiKey: KEY });
	sims.ninetyninedigital = await startWebhookSimulator('ninetyninedigital', { apiKey: KEY });
	sims.chirp = await startWebhookSimulator('chirp', { apiKey: KEY });
	sims.doubletick = await startWebhookSimulator('doubletick', { apiKey: KEY });
	n8n = await startN8n({ pkgDir: PKG, bin: n8nBin() });
}, 300000);
afterAll(async () => {
	if (n8n) await n8n.stop();
	for (const sim of Object.values(sims)) await sim.close();
});

const inbound = messageClock();
const emitted = (workflowId) => emittedTexts(n8n, workflowId);

const checksAtStart = !/^2\.(4\d|[5-9]\d)\./.test(process.env.N8N_VERSION || '2.8.4');

async function scenario(sim, created, { registration, lostContact = (i) => CONTACTS[i % 2] }) {
	// Three restarts: still exactly one registration, the same one; n8n checked it each time (one list call each).
	const before = JSON.stringify(sim.webhooks.registrations());
	for (let i = 0; i < 3; i++) {
		sim.clearRequests();
		await n8n.restartMain();
		// n8n 1.x-2.3x check the registration at every start (checkExists); 2.40 keeps published webhooks and may not.
		await until('checkExists after the restart', () => sim.webhooks.managementCalls().length >= 1 || !checksAtStart, 30000);
		await sleep(500);
		expect(JSON.stringify(sim.webhooks.registrations())).toBe(before);
		expect(registration()).toBeTruthy();
	}

	// A delivery: one execution with the normalized item.
	const [first] = await deliverLive(sim, inbound('hello from e2e'));
	expect(first.attempts[first.attempts.length - 1].status).toBe(200);
	const [summary] = await n8n.waitForExecutions(created.id, 1);
	const execution = await n8n.waitForExecution(summary.id);
	const [item] = n8n.nodeOutput(execution, 'New Message');
	expect(item).toEqual(expect.objectContaining({ id: first.messageId, direction: 'inbound', status: 'received', text: 'hello from e2e', contactNumber: CONTACTS[0], businessNumber: BUSINESS }));

	// A wrong secret: 403, nothing starts.
	sim.webhooks.switches.wrongSecret = true;
	// (a forged request: the message is not in the provider's history)
	const [wrong] = await sim.webhooks.deliver(inbound('forged'), { store: false });
	sim.webhooks.switches.wrongSecret = false;
	expect(wrong.attempts.map((a) => a.status)).toEqual([403]);
	// A status event: 200, nothing starts.
	const [status] = await sim.webhooks.deliverStatus(sim.messages[0], 'read');
	expect(status.attempts.map((a) => a.status)).toEqual([200]);
	// A duplicate delivery: one execution.
	sim.webhooks.switches.duplicate = true;
	const [dup] = await sim.webhooks.deliver(inbound('sent twice'));
	sim.webhooks.switches.duplicate = false;
	expect(dup.attempts.map((a) => a.status)).toEqual([200, 200]);
	await n8n.executionsSettled(created.id, { atLeast: 2 });
	expect(await emitted(created.id)).toEqual([['hello from e2e'], ['sent twice']]);

	// n8n stopped; five messages arrive and their deliveries are lost; n8n starts; one more is delivered.
	const lost = [];
	await n8n.restartMain({
		whileStopped: async () => {
			for (let i = 0; i < 5; i++) lost.push(...(await sim.webhooks.deliver(inbound(`lost ${i}`, lostContact(i)))));
		},
	});
	expect(lost.every((d) => d.attempts.every((a) => a.status !== 200))).toBe(true);
	await deliverLive(sim, inbound('after the restart'));
	await n8n.executionsSettled(created.id, { atLeast: 3 });
	const all = await emitted(created.id);
	if (process.env.E2E_DEBUG) console.log(n8n.log().split('\n').filter((l) => /instant trigger|catch|error/i.test(l)).join('\n'), JSON.stringify((await n8n.workflow(created.id)).staticData), JSON.stringify(sim.requests.map((r) => [r.path, r.status])));
	expect(all).toEqual([
		['hello from e2e'],
		['sent twice'],
		['lost 0', 'lost 1', 'lost 2', 'lost 3', 'lost 4', 'after the restart'],
	]);
	// Later deliveries: only themselves.
	await deliverLive(sim, inbound('one more'));
	await n8n.executionsSettled(created.id, { atLeast: 4 });
	expect((await emitted(created.id)).slice(3)).toEqual([['one more']]);
}

test('2Chat Instant Trigger in a real n8n: one registration across restarts, authenticity, no duplicates, no gaps', async () => {
	const sim = sims.twochat;
	const cred = await n8n.createCredential({ name: '2chat instant', type: 'twoChatApi', data: { apiKey: KEY, baseUrl: sim.url } });
	const created = await n8n.createWorkflow(
		instantWorkflow({ name: '2chat instant', type: 'twoChatInstantTrigger', parameters: { businessNumber: BUSINESS, event: 'inbound' }, credentials: { twoChatApi: { id: cred.id, name: cred.name } } }),
	);
	const webhookId = created.nodes[0].webhookId;
	await n8n.activate(created);
	const regs = sim.webhooks.registrations();
	expect(regs).toHaveLength(1);
	expect(regs[0].url).toMatch(new RegExp(`^${n8n.base}/webhook/${webhookId}/webhook\\?token=[0-9a-f]{48}$`));
	expect(regs[0].events).toEqual(['whatsapp.message.received']);

	await scenario(sim, created, { registration: () => sim.webhooks.registrations().length === 1 });

	await n8n.deactivate(created);
	await until('the registration removed', () => sim.webhooks.registrations().length === 0);
}, 300000);

test('2Chat Instant Trigger in a real n8n: a lost register reply gives one registration; a delivery lost between two delivered ones comes with the first delivery after the gap-check interval; a message of unknown direction does not start Inbound', async () => {
	const sim = sims.twochat;
	const cred = await n8n.createCredential({ name: '2chat instant gaps', type: 'twoChatApi', data: { apiKey: KEY, baseUrl: sim.url } });
	// 12 seconds instead of 15 minutes: n8n gives webhook triggers no timer, the check runs with the first delivery after it.
	const gapCheckMinutes = 0.2;
	const created = await n8n.createWorkflow(
		instantWorkflow({ name: '2chat instant gaps', type: 'twoChatInstantTrigger', parameters: { businessNumber: BUSINESS, event: 'inbound', options: { gapCheckMinutes } }, credentials: { twoChatApi: { id: cred.id, name: cred.name } } }),
	);
	// The provider saves the registration, and its reply is lost: n8n's activation still ends with one registration.
	sim.clearRequests();
	Object.assign(sim.webhooks.switches, { loseRegisterReplies: 1 });
	await n8n.activate(created);
	const activatedAt = Date.now();
	expect(sim.webhooks.registrations()).toHaveLength(1);
	expect(sim.requestsTo('/open/webhooks/subscribe/')).toHaveLength(1);

	await sleep(Math.max(0, activatedAt + gapCheckMinutes * 60_000 - Date.now()));
	// The first delivery after the interval reads the history (nothing missed yet); the next ones within it do not.
	await deliverLive(sim, inbound('one'));
	// (it answers the provider before reading the history: its execution is awaited, so the next ones come after the read)
	await n8n.executionsSettled(created.id, { atLeast: 1, quietMs: 1000 });
	sim.webhooks.switches.drop = 1;
	await sim.webhooks.deliver(inbound('lost'));
	// A record that does not tell its direction (2Chat pushes it only to Any Message subscriptions): in the history only.
	expect(await sim.webhooks.deliver({ ...inbound('direction unknown'), odd: { noDirection: true } })).toEqual([]);
	const checkedAt = Date.now();
	await deliverLive(sim, inbound('two'));
	await n8n.executionsSettled(created.id, { atLeast: 2 });
	expect(await emitted(created.id)).toEqual([['one'], ['two']]);
	await sleep(Math.max(0, checkedAt + gapCheckMinutes * 60_000 - Date.now()));
	await deliverLive(sim, inbound('three'));
	await n8n.executionsSettled(created.id, { atLeast: 3 });
	expect(await emitted(created.id)).toEqual([['one'], ['two'], ['lost', 'three']]);

	await n8n.deactivate(created);
	await until('the registration removed', () => sim.webhooks.registrations().length === 0);
}, 300000);

test('99digital Instant Trigger in a real n8n: refuses a taken number, replaces on request, restores it on deactivation', async () => {
	const sim = sims.ninetyninedigital;
	// As getWebhook documents the settings: `system` and `systemPhoneAlert` strings, `readStatus` and `retry` numbers.
	const previous = { url: 'https://crm.example.com/whatsapp-hook', readStatus: 1, system: '0', systemPhoneAlert: '972502211234', retry: 0 };
	sim.webhooks.setSlot(BUSINESS, previous);
	const cred = await n8n.createCredential({ name: '99digital instant', type: 'ninetyNineDigitalApi', data: { apiKey: KEY, baseUrl: sim.url } });
	const credentials = { ninetyNineDigitalApi: { id: cred.id, name: cred.name } };

	// Without Replace Existing Webhook: activation fails naming the URL that holds the number; nothing changes.
	const refused = await n8n.createWorkflow(
		instantWorkflow({ name: '99digital refused', type: 'ninetyNineDigitalInstantTrigger', parameters: { businessNumber: BUSINESS, event: 'inbound' }, credentials }),
	);
	await expect(n8n.activate(refused)).rejects.toThrow(/already sends its 99digital webhook to https:\/\/crm\.example\.com\/whatsapp-hook/);
	expect(sim.webhooks.slot(BUSINESS)).toEqual(previous);

	const created = await n8n.createWorkflow(
		instantWorkflow({
			name: '99digital instant',
			type: 'ninetyNineDigitalInstantTrigger',
			parameters: { businessNumber: BUSINESS, event: 'inbound', options: { replaceExistingWebhook: true } },
			credentials,
		}),
	);
	const webhookId = created.nodes[0].webhookId;
	await n8n.activate(created);
	const slot = sim.webhooks.slot(BUSINESS);
	expect(slot.url).toMatch(new RegExp(`^${n8n.base}/webhook/${webhookId}/webhook\\?token=[0-9a-f]{48}$`));
	expect(slot).toMatchObject({ retry: 1, readStatus: 1, systemPhoneAlert: '972502211234' });
	const ours = slot.url;

	await scenario(sim, created, { registration: () => sim.webhooks.slot(BUSINESS).url === ours });
	// No restart set the webhook again (setWebhook only at activation).
	expect(sim.requestsTo('/whatsapp/v2/setWebhook')).toHaveLength(0);

	await n8n.deactivate(created);
	await until('the previous webhook restored', () => sim.webhooks.slot(BUSINESS).url === previous.url);
	expect(sim.webhooks.slot(BUSINESS)).toEqual(previous);
}, 300000);

test('Chirp Instant Trigger in a real n8n: app key, header secret, restarts, no duplicates, no gaps', async () => {
	const sim = sims.chirp;
	const cred = await n8n.createCredential({ name: 'chirp instant', type: 'chirpApi', data: { apiKey: KEY, appApiKey: sim.webhooks.appKey, baseUrl: sim.url } });
	const created = await n8n.createWorkflow(
		instantWorkflow({ name: 'chirp instant', type: 'chirpInstantTrigger', parameters: { businessNumber: BUSINESS, event: 'inbound' }, credentials: { chirpApi: { id: cred.id, name: cred.name } } }),
	);
	await n8n.activate(created);
	const regs = sim.webhooks.registrations();
	expect(regs).toHaveLength(1);
	expect(regs[0].url).toBe(`${n8n.base}/webhook/${created.nodes[0].webhookId}/webhook`);
	expect(regs[0].events).toEqual(['messages.whatsapp.received']);
	expect(regs[0].headers['X-N8n-Webhook-Secret']).toMatch(/^[0-9a-f]{48}$/);

	await scenario(sim, created, { registration: () => sim.webhooks.registrations().length === 1 });

	await n8n.deactivate(created);
	await until('the registration removed', () => sim.webhooks.registrations().length === 0);
}, 300000);

test('DoubleTick Instant Trigger in a real n8n: bearer secret, restarts, no duplicates, no gaps; deactivation says what to remove by hand', async () => {
	const sim = sims.doubletick;
	const cred = await n8n.createCredential({ name: 'doubletick instant', type: 'doubleTickApi', data: { apiKey: KEY, baseUrl: sim.url } });
	const created = await n8n.createWorkflow(
		instantWorkflow({ name: 'doubletick instant', type: 'doubleTickInstantTrigger', parameters: { businessNumber: BUSINESS, event: 'inbound' }, credentials: { doubleTickApi: { id: cred.id, name: cred.name } } }),
	);
	await n8n.activate(created);
	const regs = sim.webhooks.registrations();
	expect(regs).toHaveLength(1);
	expect(regs[0].auth).toEqual({ type: 'BEARER', payload: expect.stringMatching(/^[0-9a-f]{48}$/) });

	// DoubleTick's history is read per contact: the lost messages are from a contact the trigger has seen.
	await scenario(sim, created, { registration: () => sim.webhooks.registrations().length === 1, lostContact: () => CONTACTS[0] });

	await n8n.deactivate(created);
	await until('the warning in n8n\'s log', () => /DoubleTick has no API to delete webhooks: remove the webhook/.test(n8n.log()));
	expect(n8n.log()).toContain(regs[0].url);
	expect(sim.webhooks.registrations()).toHaveLength(1);
}, 300000);
