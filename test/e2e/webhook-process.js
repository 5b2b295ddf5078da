'use strict';
// A separate `n8n webhook` process next to a queue-mode n8n started by the harness (main + worker + redis): the same
// database, encryption key, redis and bull prefix, its own folder and ports. It receives production webhook calls
// (point WEBHOOK_URL, or a load balancer, at it) and hands the executions to the worker.
//   const hooks = await startWebhookProcess(n8n, port);   hooks.log(), await hooks.stop()
// Several of them behind a local load balancer that sends each request to the next one in turn:
//   const lb = await startRoundRobin(ports);   lb.url, lb.port, lb.counts (per backend), lb.routed, await lb.close()
// The whole set-up at once, and a describe that skips (with a warning) where redis-server is missing:
//   const q = await startQueueBehindBalancer(2);   q.n8n, q.balancer, q.hooks, await q.stop()
//   describeQueueMode('suite name')(title, fn)
const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const path = require('path');
const { n8nInstall, createUserFolder, removeUserFolder, freePort, startN8n, n8nBin } = require('./harness');

const PKG = path.resolve(__dirname, '../..');
const SUPERVISOR = path.join(__dirname, 'supervise.js');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts `n8n webhook` next to the harness's main and worker: same database, key, redis and bull prefix. */
async function startWebhookProcess(n8n, port, { webhookUrl = `http://127.0.0.1:${port}/` } = {}) {
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
		WEBHOOK_URL: webhookUrl,
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

/** A load balancer in front of the webhook processes: each request goes to the next port in turn. */
async function startRoundRobin(ports) {
	const counts = ports.map(() => 0);
	const routed = [];
	let turn = 0;
	const server = http.createServer((req, res) => {
		const i = turn++ % ports.length;
		counts[i]++;
		routed.push({ port: ports[i], url: req.url });
		const upstream = http.request({ host: '127.0.0.1', port: ports[i], method: req.method, path: req.url, headers: req.headers }, (r) => {
			res.writeHead(r.statusCode, r.headers);
			r.pipe(res);
		});
		upstream.on('error', () => {
			if (!res.headersSent) res.writeHead(502);
			res.end();
		});
		req.pipe(upstream);
	});
	const port = await freePort();
	await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${port}/`,
		port,
		counts,
		routed,
		close: () => {
			server.closeAllConnections();
			return new Promise((resolve) => server.close(resolve));
		},
	};
}

/** n8n in queue mode (main + worker + redis) and `count` webhook processes behind a round-robin balancer (WEBHOOK_URL). */
async function startQueueBehindBalancer(count = 2) {
	const ports = [];
	for (let i = 0; i < count; i++) ports.push(await freePort());
	const balancer = await startRoundRobin(ports);
	const hooks = [];
	let n8n;
	const stop = async () => {
		for (const h of hooks) await h.stop();
		if (n8n) await n8n.stop();
		await balancer.close();
	};
	try {
		n8n = await startN8n({ pkgDir: PKG, bin: n8nBin(), queue: true, env: { WEBHOOK_URL: balancer.url } });
		for (const port of ports) hooks.push(await startWebhookProcess(n8n, port, { webhookUrl: balancer.url }));
	} catch (error) {
		await stop();
		throw error;
	}
	return { n8n, balancer, hooks, stop };
}

/** `describe` where redis-server is on PATH (queue mode needs it); elsewhere `describe.skip`, with a warning naming the suite. */
function describeQueueMode(suite) {
	try {
		execFileSync('bash', ['-c', 'command -v redis-server'], { stdio: 'ignore' });
		return describe;
	} catch {
		console.warn(`${suite}: SKIPPED - redis-server is not on PATH (apt-get install -y redis-server); queue mode was NOT tested`);
		return describe.skip;
	}
}

module.exports = { startWebhookProcess, startRoundRobin, startQueueBehindBalancer, describeQueueMode };
