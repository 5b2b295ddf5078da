// The 2Chat Instant Trigger in n8n's queue mode: main (activation, registration) + redis + one `n8n worker` (runs the
// executions) + two separate `n8n webhook` processes behind a round-robin local proxy that receive the provider's
// deliveries (WEBHOOK_URL points at the proxy), all sharing the sqlite database. Measures what two processes receiving
// the same message at the same moment do, without and with the README's Remove Duplicates pattern. Needs
// redis-server on PATH; without it the suite is skipped with a warning.
const crypto = require('crypto');
const { instantWorkflow } = require('./instant-helpers');
const { startQueueBehindBalancer, describeQueueMode } = require('./webhook-process');
const { startWebhookSimulator } = require('../simulators/webhooks');
const { BUSINESS, CONTACTS } = require('../helpers/providers');

const KEY = 'e2e-instant-queue-key';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const describeQueue = describeQueueMode('instant-queue.e2e');

describeQueue('2Chat Instant Trigger in queue mode (main + worker + webhook process + redis)', () => {
	let n8n;
	let sim;
	let queue;
	let proxy;
	beforeAll(async () => {
		sim = await startWebhookSimulator('twochat', { apiKey: KEY });
		queue = await startQueueBehindBalancer(2);
		({ n8n, balancer: proxy } = queue);
	}, 300000);
	afterAll(async () => {
		if (queue) await queue.stop();
		if (sim) await sim.close();
	});

	test('deliveries reach both webhook processes, run on the worker, once each; a burst of 20 concurrent deliveries gives 20 distinct messages', async () => {
		const cred = await n8n.createCredential({ name: '2chat queue', type: 'twoChatApi', data: { apiKey: KEY, baseUrl: sim.url } });
		const created = await n8n.createWorkflow(
			instantWorkflow({ name: '2chat instant queue', type: 'twoChatInstantTrigger', parameters: { businessNumber: BUSINESS, event: 'inbound' }, credentials: { twoChatApi: { id: cred.id, name: cred.name } } }),
		);
		await n8n.activate(created);
		const regs = sim.webhooks.registrations();
		expect(regs).toHaveLength(1);
		// Registered by main with the webhook process's URL.
		expect(regs[0].url.startsWith(`${proxy.url}webhook/`)).toBe(true);

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
		// The next delivery goes to the other webhook process: a process the trigger has not seen catches up once.
		await sim.webhooks.deliver(next('second process'));
		await n8n.executionsSettled(created.id, { atLeast: 2, quietMs: 1000 });
		expect(proxy.counts.every((c) => c > 0)).toBe(true);

		// What the webhook processes recorded reaches the database (the other process reads it from there). Measured on
		// n8n 2.40.7 with sqlite: it does not (the trigger's static data keeps only what main wrote at activation), so
		// there a copy on the other process is not recognised; everywhere else it must be.
		const persisted = Array.isArray((await n8n.workflow(created.id)).staticData?.['node:New Message']?.recent);
		if (!persisted) {
			expect(n8n.version).toMatch(/^2\.(4\d|[5-9]\d)\./);
			console.warn(`instant-queue.e2e: n8n ${n8n.version} did not persist the webhook processes' static data; the sequential duplicate is not checked`);
		}

		// A duplicate delivery (the provider's retry after an answer), one copy to each process: one execution.
		sim.webhooks.switches.duplicate = true;
		const [dup] = await sim.webhooks.deliver(next('twice'));
		sim.webhooks.switches.duplicate = false;
		expect(dup.attempts.map((a) => a.status)).toEqual([200, 200]);

		// A burst of 20 concurrent deliveries.
		const burst = Array.from({ length: 20 }, (_, i) => next(`burst ${i}`, CONTACTS[i % 3]));
		await Promise.all(burst.map((m) => sim.webhooks.deliver(m)));
		const texts = [];
		for (const s of await n8n.executionsSettled(created.id, { atLeast: 23 })) texts.push(...n8n.nodeOutput(await n8n.waitForExecution(s.id), 'New Message').map((m) => m.text));
		const expected = ['queued hello', 'second process', 'twice', ...burst.map((m) => m.text)];
		if (persisted) expect(texts.sort()).toEqual(expected.sort());
		else expect([...new Set(texts)].sort()).toEqual(expected.sort());

		await n8n.deactivate(created);
		const t0 = Date.now();
		while (sim.webhooks.registrations().length && Date.now() - t0 < 30000) await sleep(250);
		expect(sim.webhooks.registrations()).toEqual([]);
	}, 300000);

	test('the same message delivered twice at the same moment, one copy to each process: duplicate executions; Remove Duplicates lets some through (no lock), an atomic Redis increment gives exactly once', async () => {
		const cred = await n8n.createCredential({ name: '2chat queue twice', type: 'twoChatApi', data: { apiKey: KEY, baseUrl: sim.url } });
		const redisCred = await n8n.createCredential({ name: 'queue redis', type: 'redis', data: { host: n8n.redis.host, port: n8n.redis.port, database: 0, password: '', user: '' } });
		const node = (name, type, typeVersion, x, parameters, credentials) => ({ id: crypto.randomUUID(), name, type, typeVersion, position: [x, 0], parameters, ...(credentials ? { credentials } : {}) });
		const trigger = () => ({
			...node('New Message', 'n8n-nodes-whatsapp-history.twoChatInstantTrigger', 1, 0, { businessNumber: BUSINESS, event: 'inbound' }, { twoChatApi: { id: cred.id, name: cred.name } }),
			webhookId: crypto.randomUUID(),
		});
		const chain = (names) => Object.fromEntries(names.slice(0, -1).map((n, i) => [n, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]));
		const workflow = (name, nodes) => n8n.createWorkflow({ name, nodes, connections: chain(nodes.map((n) => n.name)), settings: { executionOrder: 'v1' } });
		const plain = await workflow('2chat twice, trigger only', [trigger()]);
		// Remove Duplicates → Remove Items Processed in Previous Executions, Value Is New, {{ $json.id }}.
		const deduped = await workflow('2chat twice, Remove Duplicates', [
			trigger(),
			node('Remove Duplicates', 'n8n-nodes-base.removeDuplicates', 2, 220, { operation: 'removeItemsSeenInPreviousExecutions', logic: 'removeItemsWithAlreadySeenKeyValues', dedupeValue: '={{ $json.id }}' }),
		]);
		// Redis → Increment `whatsapp:{{ $json.id }}` (atomic), then Filter: the value is 1 (the first copy only).
		const atomic = await workflow('2chat twice, Redis increment', [
			trigger(),
			node('Seen', 'n8n-nodes-base.redis', 1, 220, { operation: 'incr', key: '={{ "whatsapp:" + $json.id }}', expire: true, ttl: 86400 }, { redis: { id: redisCred.id, name: redisCred.name } }),
			node('First Time', 'n8n-nodes-base.filter', 2.2, 440, {
				conditions: {
					options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 },
					conditions: [{ id: crypto.randomUUID(), leftValue: '={{ Object.values($json)[0] }}', rightValue: 1, operator: { type: 'number', operation: 'equals' } }],
					combinator: 'and',
				},
				options: {},
			}),
		]);
		const workflows = { plain, deduped, atomic };
		for (const wf of Object.values(workflows)) await n8n.activate(wf);
		expect(sim.webhooks.registrations()).toHaveLength(3);

		let clock = Math.ceil(Date.now() / 1000) * 1000 + 60_000;
		const next = (text) => ({ timestamp: (clock += 1000), direction: 'inbound', business: BUSINESS, contact: CONTACTS[1], text });
		// Both processes have handled a delivery for each workflow before (each catches up once when it first appears).
		Object.assign(sim.webhooks.switches, { retries: 40, retryDelayMs: 250 });
		for (const text of ['warm-up 1', 'warm-up 2']) await sim.webhooks.deliver(next(text));
		Object.assign(sim.webhooks.switches, { retries: 0 });
		const before = {};
		for (const [key, wf] of Object.entries(workflows)) before[key] = (await n8n.executionsSettled(wf.id, { atLeast: 2, quietMs: 1000 })).length;

		const N = 20;
		sim.webhooks.switches.duplicate = 'concurrent';
		const sent = [];
		for (let i = 0; i < N; i++) sent.push(...(await sim.webhooks.deliver(next(`twice at once ${i}`))));
		sim.webhooks.switches.duplicate = false;
		expect(sent.every((d) => d.attempts.length === 2 && d.attempts.every((a) => a.status === 200))).toBe(true);

		/** Per execution since the warm-up: the messages the trigger emitted, and those that reached the last node's output. */
		const outcome = async (key, last) => {
			const all = await n8n.executionsSettled(workflows[key].id, { atLeast: before[key] + N });
			const triggered = [];
			const passed = [];
			for (const s of all.slice(0, all.length - before[key])) {
				const execution = await n8n.waitForExecution(s.id);
				const texts = n8n.nodeOutput(execution, 'New Message').map((m) => m.text);
				triggered.push(...texts);
				if (n8n.nodeOutput(execution, last).length) passed.push(...texts);
			}
			const dup = (list) => list.length - new Set(list).size;
			return { executions: all.length - before[key], duplicateExecutions: dup(triggered), passed: passed.length, duplicatesPassed: dup(passed), distinct: new Set(passed).size };
		};
		const report = { messages: N, triggerOnly: await outcome('plain', 'New Message'), removeDuplicates: await outcome('deduped', 'Remove Duplicates'), redisIncrement: await outcome('atomic', 'First Time') };
		console.log(`two webhook processes, ${N} messages each delivered twice at the same moment: ${JSON.stringify(report)}`);
		// Every message started the workflow; with the atomic increment, each passed exactly once.
		expect(report.triggerOnly.distinct).toBe(N);
		expect(report.removeDuplicates.distinct).toBe(N);
		expect(report.redisIncrement).toMatchObject({ passed: N, duplicatesPassed: 0, distinct: N });

		for (const wf of Object.values(workflows)) await n8n.deactivate(wf);
	}, 300000);
});
