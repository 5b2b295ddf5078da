// The built package in n8n's queue mode (EXECUTIONS_MODE=queue: main + redis + one `n8n worker`, sharing the sqlite
// database): a 2Chat node runs on the worker, and a 2Chat polling trigger keeps its state across a restart of the
// main process. Needs redis-server on PATH (Debian: apt-get install -y redis-server); without it the suite is
// skipped with a warning, never passed.
const path = require('path');
const { startN8n, n8nBin } = require('./harness');
const { describeQueueMode } = require('./webhook-process');
const { manualWorkflow } = require('./workflow');
const { activateTwoChatTrigger } = require('./trigger-flow');
const { startSimulator } = require('../simulators');
const { BUSINESS, CONTACTS, seed } = require('../helpers/providers');

const PKG = path.resolve(__dirname, '../..');
const KEY = 'e2e-queue-key-42';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const describeQueue = describeQueueMode('queue.e2e');

const escapeRe = (s) => String(s).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describeQueue('queue mode (main + worker + redis)', () => {
	let n8n;
	let sim;
	let cred;
	let seeded;

	beforeAll(async () => {
		sim = await startSimulator('twochat', { apiKey: KEY });
		seeded = seed(sim, 'twochat', 150);
		n8n = await startN8n({ pkgDir: PKG, bin: n8nBin(), queue: true });
		cred = await n8n.createCredential({ name: '2chat queue', type: 'twoChatApi', data: { apiKey: KEY, baseUrl: sim.url } });
	}, 300000);

	afterAll(async () => {
		if (n8n) await n8n.stop();
		if (sim) await sim.close();
	});

	// Waits until the worker's log has `pattern` (it may print "finished" just after the execution is stored).
	async function workerLogMatch(pattern, timeoutMs = 15000) {
		const t0 = Date.now();
		for (;;) {
			const m = pattern.exec(n8n.workerLog());
			if (m) return m;
			if (Date.now() - t0 > timeoutMs) return null;
			await sleep(100);
		}
	}

	// Executions of the workflow other than `known` ids, once there are at least `count` of them (newest first).
	async function newExecutions(workflowId, known, count, timeoutMs = 45000) {
		const t0 = Date.now();
		const old = new Set(known.map(String));
		for (;;) {
			const fresh = (await n8n.executions(workflowId)).filter((e) => !old.has(String(e.id)));
			if (fresh.length >= count) return fresh;
			if (Date.now() - t0 > timeoutMs) throw new Error(`only ${fresh.length} of ${count} new executions after ${timeoutMs} ms`);
			await sleep(500);
		}
	}

	test('a 2Chat Get All runs on the worker and returns the simulator\'s messages', async () => {
		sim.clearRequests();
		const wf = manualWorkflow({
			name: 'queue getAll',
			node: {
				name: 'WhatsApp',
				type: 'n8n-nodes-whatsapp-history.twoChat',
				parameters: { operation: 'getAll', businessNumber: '+972501234567', returnAll: true },
				credentials: { twoChatApi: cred },
			},
		});
		const started = await n8n.runManual(wf);
		const { executionId } = started;
		// n8n 1.123 in queue mode can report the execution finished before the worker's run data is stored.
		let { execution } = started;
		for (let t0 = Date.now(); !n8n.nodeItems(execution, 'WhatsApp').length && Date.now() - t0 < 30000; ) {
			await sleep(250);
			execution = await n8n.execution(executionId);
		}
		expect(n8n.nodeError(execution, 'WhatsApp')).toBeUndefined();
		expect(execution.status).toBe('success');
		const items = n8n.nodeOutput(execution, 'WhatsApp');
		expect(items).toHaveLength(150);
		expect(items.map((i) => i.id)).toEqual(seeded.map((m) => m.id));
		expect(items[0]).toEqual(expect.objectContaining({ provider: '2chat', businessNumber: BUSINESS }));
		// 150 messages at 100 a page: pages 0 and 1 (and possibly an empty page 2)
		expect(sim.requestsTo('/open/whatsapp/messages').length).toBeGreaterThanOrEqual(2);

		// It ran on the worker: the worker's job processor logged this execution id, the main process did not.
		const id = escapeRe(executionId);
		expect(await workerLogMatch(new RegExp(`Worker started execution ${id} \\(job [^)]+\\)`))).not.toBeNull();
		expect(await workerLogMatch(new RegExp(`Worker finished execution ${id} \\(job [^)]+\\)`))).not.toBeNull();
		expect(n8n.log()).not.toMatch(new RegExp(`Worker (started|finished) execution ${id}\\b`));
	});

	test('a polling trigger\'s state survives a restart of the main process: only the new message is emitted', async () => {
		const created = await activateTwoChatTrigger(n8n, sim, { name: 'queue trigger restart', cred, business: BUSINESS });

		// 1) a message arrives before the restart: one execution with it
		const first = sim.makeMessage({ timestamp: Date.now(), direction: 'inbound', business: BUSINESS, contact: CONTACTS[1], text: 'before the restart' });
		sim.add(first);
		const [firstSummary] = await n8n.waitForExecutions(created.id, 1);
		const firstExecution = await n8n.waitForExecution(firstSummary.id);
		expect(n8n.nodeOutput(firstExecution, 'New Message')).toEqual([
			expect.objectContaining({ id: first.uuid, provider: '2chat', direction: 'inbound', text: 'before the restart', contactNumber: CONTACTS[1], businessNumber: BUSINESS }),
		]);
		// trigger executions are queued to the worker too
		expect(await workerLogMatch(new RegExp(`Worker finished execution ${escapeRe(firstSummary.id)} \\(job`))).not.toBeNull();

		// 2) restart main (same database, encryption key, redis, worker). A message that arrives while main is down is
		//    emitted once the re-activated trigger polls: the stored cursor survived (a lost cursor would start over and
		//    swallow it; a reset one would emit the first message again).
		const workerLogBefore = n8n.workerLog().length;
		const pidBefore = n8n.pid;
		const whileDown = sim.makeMessage({ timestamp: Date.now(), direction: 'inbound', business: BUSINESS, contact: CONTACTS[2], text: 'while main was down' });
		await n8n.restartMain({ whileStopped: async () => sim.add(whileDown) });
		expect(n8n.pid).not.toBe(pidBefore);
		expect(n8n.restarts).toBe(1);
		const afterRestart = await newExecutions(created.id, [firstSummary.id], 1);
		expect(afterRestart).toHaveLength(1);
		expect(n8n.nodeOutput(await n8n.waitForExecution(afterRestart[0].id), 'New Message')).toEqual([
			expect.objectContaining({ id: whileDown.uuid, provider: '2chat', direction: 'inbound', text: 'while main was down', contactNumber: CONTACTS[2], businessNumber: BUSINESS }),
		]);

		// 3) another message after the restart: exactly one new execution, with only that message
		const second = sim.makeMessage({ timestamp: Date.now(), direction: 'inbound', business: BUSINESS, contact: CONTACTS[0], text: 'after the restart' });
		sim.add(second);
		const latest = await newExecutions(created.id, [firstSummary.id, afterRestart[0].id], 1);
		expect(latest).toHaveLength(1);
		expect(n8n.nodeOutput(await n8n.waitForExecution(latest[0].id), 'New Message')).toEqual([
			expect.objectContaining({ id: second.uuid, provider: '2chat', direction: 'inbound', text: 'after the restart', contactNumber: CONTACTS[0], businessNumber: BUSINESS }),
		]);
		// the executions after the restart ran on the (same, never restarted) worker
		for (const e of [...afterRestart, ...latest]) {
			expect(n8n.workerLog().slice(workerLogBefore)).toMatch(new RegExp(`Worker (started|finished) execution ${escapeRe(e.id)} \\(job`));
		}

		// later polls see nothing new: still three executions, one message each, none emitted twice
		await sleep(9000);
		const final = await n8n.executions(created.id);
		expect(final).toHaveLength(3);
		const emitted = [];
		for (const summary of final) {
			const ids = n8n.nodeOutput(await n8n.waitForExecution(summary.id), 'New Message').map((i) => i.id);
			expect(ids).toHaveLength(1);
			emitted.push(...ids);
		}
		expect(emitted.sort()).toEqual([first.uuid, whileDown.uuid, second.uuid].sort());
		await n8n.deactivate(created);
	});
});
