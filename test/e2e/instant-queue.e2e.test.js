// The 2Chat Instant Trigger in n8n's queue mode: main (activation, registration) + redis + one `n8n worker` (runs the
// executions) + one separate `n8n webhook` process that receives the provider's deliveries (WEBHOOK_URL points at it),
// all sharing the sqlite database. Needs redis-server on PATH; without it the suite is skipped with a warning.
const { execFileSync, spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { startN8n, n8nBin, n8nInstall, createUserFolder, removeUserFolder, freePort } = require('./harness');
const { startWebhookSimulator } = require('../simulators/webhooks');
const { BUSINESS, CONTACTS } = require('../helpers/providers');

const PKG = path.resolve(__dirname, '../..');
const KEY = 'e2e-instant-queue-key';
const SUPERVISOR = path.join(__dirname, 'supervise.js');
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

/** Starts `n8n webhook` next to the harness's main and worker: same database, key, redis and bull prefix. */
async function startWebhookProcess(n8n, port) {
	const info = n8nInstall(n8n.bin);
	const folder = createUserFolder({ pkgDir: PKG, prefix: 'n8n-e2e-webhook-' });
	const n8nFolder = path.join(n8n.userFolder, '.n8n');
	const { encryptionKey } = JSON.parse(fs.readFileSync(path.join(n8nFolder, 'config'), 'utf8'));
	const env = {};
	for (const [k, v] of Object.entries(process.env)) if (!/^(N8N_|DB_|EXECUTIONS_|QUEUE_|OFFLOAD_|WEBHOOK_URL$|NODE_ENV$|NODE_OPTIONS$|JEST_WORKER_ID$)/.test(k)) env[k] = v;
	Object.assign(env, {
		NODE_ENV: 'production',
		N8N_USER_FOLDER: folder,
		N8N_ENCRYPTION_KEY: encryptionKey,
		DB_SQLITE_DATABASE: path.join(n8nFolder, 'database.sqlite'),
		N8N_BINARY_DATA_STORAGE_PATH: path.join(n8nFolder, 'binaryData'),
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: n8n.redis.host,
		QUEUE_BULL_REDIS_PORT: String(n8n.redis.port),
		QUEUE_BULL_PREFIX: `e2e${n8n.port}`,
		N8N_PORT: String(port),
		N8N_HOST: '127.0.0.1',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_LOG_LEVEL: 'info',
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		NO_PROXY: '127.0.0.1,localhost',
		no_proxy: '127.0.0.1,localhost',
	});
	if (info.node !== process.execPath) env.PATH = `${path.dirname(info.node)}${path.delimiter}${env.PATH || ''}`;
	const child = spawn(process.execPath, [SUPERVISOR, String(process.pid), info.node, info.script, 'webhook'], {
		env: { ...env, E2E_CLEANUP_DIR: folder },
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let log = '';
	child.stdout.on('data', (c) => (log += c));
	child.stderr.on('data', (c) => (log += c));
	const exited = new Promise((resolve) => child.on('close', resolve));
	const t0 = Date.now();
	while (!/Webhook listener waiting for requests/.test(log)) {
		if (Date.now() - t0 > 120000 || child.exitCode !== null) throw new Error(`n8n webhook did not start:\n${log.slice(-3000)}`);
		await sleep(200);
	}
	return {
		log: () => log,
		async stop() {
			try {
				process.kill(-child.pid, 'SIGTERM');
			} catch {
				// already gone
			}
			const timer = setTimeout(() => {
				try {
					process.kill(-child.pid, 'SIGKILL');
				} catch {
					// already gone
				}
			}, 10000);
			await exited;
			clearTimeout(timer);
			removeUserFolder(folder);
		},
	};
}

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
