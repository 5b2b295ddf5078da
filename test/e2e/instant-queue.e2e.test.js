// The 2Chat Instant Trigger in n8n's queue mode: main (activation, registration) + redis + one `n8n worker` (runs the
// executions) + one separate `n8n webhook` process that receives the provider's deliveries (WEBHOOK_URL points at it),
// all sharing the sqlite database. Needs redis-server on PATH; without it the suite is skipped with a warning.
const { execFileSync } = require('child_process');
const crypto = require('crypto');
const path = require('path');
const { startN8n, n8nBin, freePort } = require('./harness');
const { startWebhookProcess } = require('./webhook-process');
const { startWebhookSimulator } = require('../simulators/webhooks');
const { BUSINESS, CONTACTS } = require('../helpers/providers');

const PKG = path.resolve(__dirname, '../..');
const KEY = 'e2e-instant-queue-key';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function haveRedis() {
	try {
		execFileSync('bash', ['-c', 'command -v redis-server'], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
}
const REDIS = haveRedis();
if (!REDIS) console.warn('instant-queue.e2e: SKIPPED - redis-server is not on PATH; queue mode was NOT tested');
const describeQueue = REDIS ? describe : describe.skip;

describeQueue('2Chat Instant Trigger in queue mode (main + worker + webhook process + redis)', () => {
	let n8n;
	let sim;
	let hooks;
	let webhookPort;
	beforeAll(async () => {
		sim = await startWebhookSimulator('twochat', { apiKey: KEY });
		webhookPort = await freePort();
		n8n = await startN8n({ pkgDir: PKG, bin: n8nBin(), queue: true, env: { WEBHOOK_URL: `http://127.0.0.1:${webhookPort}/` } });
		hooks = await startWebhookProcess(n8n, webhookPort);
	}, 300000);
	afterAll(async () => {
		if (hooks) await hooks.stop();
		if (n8n) await n8n.stop();
		if (sim) await sim.close();
	});

	test('deliveries reach the webhook process, run on the worker, once each; a burst of 20 concurrent deliveries gives 20 distinct messages', async () => {
		const cred = await n8n.createCredential({ name: '2chat queue', type: 'twoChatApi', data: { apiKey: KEY, baseUrl: sim.url } });
		const created = await n8n.createWorkflow({
			name: '2chat instant queue',
			nodes: [
				{
					id: crypto.randomUUID(),
					name: 'New Message',
					type: 'n8n-nodes-whatsapp-history.twoChatInstantTrigger',
					typeVersion: 1,
					position: [0, 0],
					webhookId: crypto.randomUUID(),
					parameters: { businessNumber: BUSINESS, event: 'inbound' },
					credentials: { twoChatApi: { id: cred.id, name: cred.name } },
				},
			],
			connections: {},
			settings: { executionOrder: 'v1' },
		});
		await n8n.activate(created);
		const regs = sim.webhooks.registrations();
		expect(regs).toHaveLength(1);
		// Registered by main with the webhook process's URL.
		expect(regs[0].url.startsWith(`http://127.0.0.1:${webhookPort}/webhook/`)).toBe(true);

		let clock = Math.ceil(Date.now() / 1000) * 1000;
		const next = (text, contact = CONTACTS[0]) => ({ timestamp: (clock = Math.max(clock + 1000, Math.ceil(Date.now() / 1000) * 1000)), direction: 'inbound', business: BUSINESS, contact, text });

		Object.assign(sim.webhooks.switches, { retries: 40, retryDelayMs: 250 });
		const [first] = await sim.webhooks.deliver(next('queued hello'));
		Object.assign(sim.webhooks.switches, { retries: 0 });
		expect(first.attempts[first.attempts.length - 1].status).toBe(200);
		const [summary] = await n8n.waitForExecutions(created.id, 1);
		const execution = await n8n.waitForExecution(summary.id);
		expect(n8n.nodeOutput(execution, 'New Message').map((m) => m.text)).toEqual(['queued hello']);
		// The webhook process received it; the worker ran it.
		expect(n8n.workerLog()).toContain(String(summary.id));

		// A duplicate delivery: one execution.
		sim.webhooks.switches.duplicate = true;
		const [dup] = await sim.webhooks.deliver(next('twice'));
		sim.webhooks.switches.duplicate = false;
		expect(dup.attempts.map((a) => a.status)).toEqual([200, 200]);

		// A burst of 20 concurrent deliveries.
		const burst = Array.from({ length: 20 }, (_, i) => next(`burst ${i}`, CONTACTS[i % 3]));
		await Promise.all(burst.map((m) => sim.webhooks.deliver(m)));
		await n8n.waitForExecutions(created.id, 22, { timeoutMs: 90000 });
		await sleep(3000);
		const texts = [];
		for (const s of await n8n.executions(created.id)) texts.push(...n8n.nodeOutput(await n8n.waitForExecution(s.id), 'New Message').map((m) => m.text));
		expect(texts.sort()).toEqual(['queued hello', 'twice', ...burst.map((m) => m.text)].sort());

		await n8n.deactivate(created);
		const t0 = Date.now();
		while (sim.webhooks.registrations().length && Date.now() - t0 < 30000) await sleep(250);
		expect(sim.webhooks.registrations()).toEqual([]);
	}, 300000);
});
