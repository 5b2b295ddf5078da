// Wait for Quiet in n8n's queue mode with TWO webhook processes behind a round-robin load balancer: main (activation,
// registration with the balancer's URL) + redis + one `n8n worker` + two `n8n webhook` processes sharing the sqlite
// database. The deliveries of one contact's burst land on both processes in turn; no lock is shared between them, yet
// the burst starts one execution: after the quiet period only the delivery whose message is still the contact's newest
// one emits (it reads the provider's history), and it gathers the messages the other process received.
// Needs redis-server on PATH; without it the suite is skipped with a warning.
const { instantWorkflow } = require('./instant-helpers');
const { startQueueBehindBalancer, describeQueueMode } = require('./webhook-process');
const { startWebhookSimulator } = require('../simulators/webhooks');
const { BUSINESS, CONTACTS } = require('../helpers/providers');

const KEY = 'e2e-quiet-queue-key';
const QUIET = 4;
const [A, B] = CONTACTS;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const describeQueue = describeQueueMode('quiet-queue.e2e');

describeQueue('Wait for Quiet in queue mode with two webhook processes behind a load balancer', () => {
	let n8n;
	let sim;
	let queue;
	let balancer;
	beforeAll(async () => {
		sim = await startWebhookSimulator('twochat', { apiKey: KEY });
		queue = await startQueueBehindBalancer(2);
		({ n8n, balancer } = queue);
	}, 400000);
	afterAll(async () => {
		if (queue) await queue.stop();
		if (sim) await sim.close();
	});

	test('the same contact\'s burst split over both processes: one execution with every message; two contacts: one each', async () => {
		const cred = await n8n.createCredential({ name: '2chat quiet queue', type: 'twoChatApi', data: { apiKey: KEY, baseUrl: sim.url } });
		const created = await n8n.createWorkflow(
			instantWorkflow({ name: 'quiet queue', type: 'twoChatInstantTrigger', parameters: { businessNumber: BUSINESS, event: 'inbound', options: { waitForQuiet: QUIET } }, credentials: { twoChatApi: { id: cred.id, name: cred.name } } }),
		);
		await n8n.activate(created);
		expect(sim.webhooks.registrations()[0].url.startsWith(`${balancer.url}webhook/`)).toBe(true);

		let clock = Math.ceil(Date.now() / 1000) * 1000;
		const say = (contact, text) => ({ timestamp: (clock = Math.max(clock + 1000, Math.ceil(Date.now() / 1000) * 1000)), direction: 'inbound', business: BUSINESS, contact, text });
		Object.assign(sim.webhooks.switches, { retries: 40, retryDelayMs: 250 });
		// Warm-up: both processes answer (a fresh process can answer 404 for a moment).
		await sim.webhooks.deliver(say(B, 'warm-up 1'));
		await sim.webhooks.deliver(say(B, 'warm-up 2'));
		await n8n.waitForExecutions(created.id, 1, { timeoutMs: 60000 });
		await sleep(QUIET * 1000 + 3000);
		const before = (await n8n.executions(created.id)).length;
		balancer.routed.length = 0;

		for (const [contact, text] of [[A, 'a1'], [B, 'b1'], [A, 'a2'], [A, 'a3'], [B, 'b2'], [A, 'a4']]) {
			const [d] = await sim.webhooks.deliver(say(contact, text));
			expect(d.attempts[d.attempts.length - 1].status).toBe(200);
			await sleep(700);
		}
		// Both processes received deliveries of A's burst.
		expect(new Set(balancer.routed.map((r) => r.port)).size).toBe(2);

		// Once the count has not changed for longer than a quiet period.
		await n8n.waitForExecutions(created.id, before + 2, { timeoutMs: 90000 });
		let count = -1;
		let since = Date.now();
		for (;;) {
			const n = (await n8n.executions(created.id)).length;
			if (n !== count) {
				count = n;
				since = Date.now();
			} else if (Date.now() - since > QUIET * 1000 + 5000) break;
			await sleep(500);
		}
		const list = (await n8n.executions(created.id)).slice().reverse().slice(before);
		const texts = [];
		for (const s of list) texts.push(n8n.nodeOutput(await n8n.waitForExecution(s.id), 'New Message').map((m) => m.text));
		expect(texts.sort()).toEqual([['a1', 'a2', 'a3', 'a4'], ['b1', 'b2']]);
		// The executions ran on the worker.
		expect(n8n.workerLog()).toContain(String(list[0].id));

		await n8n.deactivate(created);
	}, 300000);
});
