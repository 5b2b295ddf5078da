// Benchmark: pulling a whole WhatsApp history in a real n8n, our node vs. what a user builds today with n8n's
// HTTP Request node (built-in pagination: page number, stop on an empty page) + Split Out.
// Against the local 2Chat server (20 000 messages, 100 per page) and the local 99digital server (50 per page), with
// 20 ms added latency per request. Our node runs with DEFAULT settings (what users run: no Options set); the local
// 2Chat server declares a paid plan's limit in /open/info as 2Chat does (and enforces it), so the node starts on the
// trial budget and lifts it from /open/info. A second row lifts the budget by hand (Requests Per Minute) for
// comparison. Each workflow runs in its own `n8n execute` process; times are the nodes' own
// execution times from the run data (n8n's boot is not counted), RSS is that process's peak. No task runner is started
// (see `env` below).
// Prints the figures and the ratios; asserts nothing.
//   node bench/pagination.js [--messages 20000] [--latency 20] [--runs 3]
const fs = require('fs');
const path = require('path');
const { n8nBin, createUserFolder, removeUserFolder, importCli, executeWorkflowCli } = require('../test/e2e/harness');
const { startSimulator } = require('../test/simulators');
const { cliEnv } = require('./cli-env');

const arg = (name, fallback) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const MESSAGES = arg('messages', 20000);
const LATENCY = arg('latency', 20);
const RUNS = arg('runs', 3);
const CONCURRENCY = 4; // the node's default Max Concurrent Requests
const BUSINESS = '+972501234567';
const KEY = 'bench-key';
const PKG = path.resolve(__dirname, '..');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const manual = { id: 'bench-manual', name: 'Manual', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
function workflow(id, nodes) {
	const all = [manual, ...nodes];
	const connections = {};
	for (let i = 0; i < all.length - 1; i++) connections[all[i].name] = { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] };
	return { id, name: id, active: false, settings: { executionOrder: 'v1' }, nodes: all, connections };
}

const PROVIDERS = {
	twochat: {
		label: '2Chat (pages of 100 from 0)',
		pageSize: 100,
		node: 'twoChat',
		credType: 'twoChatApi',
		baseline: (url) => [
			{
				id: 'bench-http', name: 'HTTP Request', type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2, position: [220, 0],
				parameters: {
					url: `${url}/open/whatsapp/messages/${BUSINESS}`,
					sendHeaders: true,
					headerParameters: { parameters: [{ name: 'X-User-API-Key', value: KEY }] },
					options: {
						pagination: {
							pagination: {
								parameters: { parameters: [{ name: 'page_number', value: '={{ $pageCount }}' }] },
								paginationCompleteWhen: 'other',
								completeExpression: '={{ $response.body.messages.length === 0 }}',
							},
						},
					},
				},
			},
			{ id: 'bench-split', name: 'Split Out', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [440, 0], parameters: { fieldToSplitOut: 'messages', options: {} } },
		],
	},
	ninetyninedigital: {
		label: '99digital (pages of 50 from 1, POST)',
		pageSize: 50,
		node: 'ninetyNineDigital',
		credType: 'ninetyNineDigitalApi',
		baseline: (url) => [
			{
				id: 'bench-http', name: 'HTTP Request', type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2, position: [220, 0],
				parameters: {
					method: 'POST',
					url: `${url}/whatsapp/v2/getHistory`,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: JSON.stringify({ apiKey: KEY, from: BUSINESS.slice(1) }),
					options: {
						pagination: {
							pagination: {
								parameters: { parameters: [{ type: 'body', name: 'page', value: '={{ $pageCount + 1 }}' }] },
								paginationCompleteWhen: 'other',
								completeExpression: '={{ $response.body.length === 0 }}',
							},
						},
					},
				},
			},
		],
	},
};

/** Runs a workflow in its own `n8n execute` process, sampling that process's peak RSS. */
async function execute(bin, folder, id, env, beforeAttempt = () => {}) {
	let peakKb = 0;
	const sampler = setInterval(() => {
		for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
			try {
				const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
				if (!cmd.includes(`--id=${id}`)) continue;
				const hwm = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
				if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
			} catch {
				/* process gone */
			}
		}
	}, 100);
	try {
		let run;
		for (let attempt = 1; !run; attempt++) {
			try {
				beforeAttempt();
				run = await executeWorkflowCli(bin, folder, id, env, { timeoutMs: 600000 });
			} catch (error) {
				// n8n's CLI sometimes exits before its (very long) JSON output is flushed; that run is repeated.
				if (attempt >= 3 || !/printed no IRun JSON|could not parse/.test(error.message)) throw error;
				console.log(`  (${id}: n8n's output was cut short, running it again)`);
			}
		}
		const rd = run.data.resultData;
		if (rd.error) throw new Error(`${id} failed: ${rd.error.message}`);
		const nodes = Object.fromEntries(Object.entries(rd.runData).map(([name, runs]) => [name, { ms: runs[0].executionTime, items: (runs[0].data.main[0] || []).length }]));
		return { nodes, peakMb: Math.round(peakKb / 1024) };
	} finally {
		clearInterval(sampler);
	}
}

async function benchProvider(bin, name) {
	const spec = PROVIDERS[name];
	// A plan that allows the whole run (2Chat declares it in /open/info and enforces it; others ignore it).
	const plan = { perMinute: 100000 };
	const slow = await startSimulator(name, { apiKey: KEY, latencyMs: LATENCY, rateLimit: plan });
	const fast = await startSimulator(name, { apiKey: KEY, latencyMs: 0, rateLimit: plan });
	const folder = createUserFolder({ pkgDir: PKG, prefix: 'wa-bench-' });
	try {
		for (const sim of [slow, fast]) sim.generate(MESSAGES, { business: BUSINESS, start: Date.parse('2025-01-01T00:00:00Z'), stepMs: 60_000 });
		const creds = [
			{ id: 'benchCredSlow01', name: 'slow', type: spec.credType, data: { apiKey: KEY, baseUrl: slow.url } },
			{ id: 'benchCredFast01', name: 'fast', type: spec.credType, data: { apiKey: KEY, baseUrl: fast.url } },
		];
		const ours = (id, cred, options = {}) =>
			workflow(id, [
				{
					id: `${id}-node`, name: 'WhatsApp', type: `n8n-nodes-whatsapp-history.${spec.node}`, typeVersion: 1, position: [220, 0],
					parameters: { operation: 'getAll', businessNumber: BUSINESS, returnAll: true, options },
					credentials: { [spec.credType]: { id: cred.id, name: cred.name } },
				},
			]);
		const lifted = { requestsPerMinute: 1000000 };
		const wfs = [
			workflow('benchBaseline01', spec.baseline(slow.url)),
			ours('benchOurs000001', creds[0]),
			ours('benchOursLift01', creds[0], lifted),
			ours('benchOursFast01', creds[1], lifted),
		];
		const { env, runEnv } = cliEnv();
		await importCli(bin, folder, 'credentials', creds, env);
		await importCli(bin, folder, 'workflow', wfs, env);

		const results = { baseline: [], ours: [], lifted: [], zero: [] };
		for (let r = 0; r < RUNS; r++) {
			const a = await execute(bin, folder, 'benchBaseline01', runEnv, () => slow.clearRequests());
			const aRequests = slow.requests.length;
			const b = await execute(bin, folder, 'benchOurs000001', runEnv, () => slow.clearRequests());
			const bRequests = slow.requests.length;
			const l = await execute(bin, folder, 'benchOursLift01', runEnv, () => slow.clearRequests());
			const z = await execute(bin, folder, 'benchOursFast01', runEnv);
			const aMs = Object.entries(a.nodes).filter(([n]) => n !== 'Manual').reduce((s, [, v]) => s + v.ms, 0);
			const aItems = a.nodes[spec.baseline(slow.url).slice(-1)[0].name].items;
			results.baseline.push({ ms: aMs, requests: aRequests, peakMb: a.peakMb, items: aItems });
			results.ours.push({ ms: b.nodes.WhatsApp.ms, requests: bRequests, peakMb: b.peakMb, items: b.nodes.WhatsApp.items });
			results.lifted.push({ ms: l.nodes.WhatsApp.ms });
			results.zero.push({ ms: z.nodes.WhatsApp.ms });
			console.log(`  run ${r + 1}: HTTP Request ${aMs} ms (${aRequests} requests, ${aItems} items, ${a.peakMb} MB) | ours, defaults ${b.nodes.WhatsApp.ms} ms (${bRequests} requests, ${b.nodes.WhatsApp.items} items, ${b.peakMb} MB) | ours, budget lifted ${l.nodes.WhatsApp.ms} ms | ours at 0 ms latency ${z.nodes.WhatsApp.ms} ms`);
		}
		const a = median(results.baseline.map((x) => x.ms));
		const b = median(results.ours.map((x) => x.ms));
		const lift = median(results.lifted.map((x) => x.ms));
		const zero = median(results.zero.map((x) => x.ms));
		const pages = Math.ceil(MESSAGES / spec.pageSize) + 1;
		const floor = Math.max((pages * LATENCY) / CONCURRENCY, zero);
		return {
			provider: spec.label,
			baselineMs: a,
			oursMs: b,
			liftedMs: lift,
			baselineRequests: results.baseline[0].requests,
			oursRequests: results.ours[0].requests,
			baselinePeakMb: median(results.baseline.map((x) => x.peakMb)),
			oursPeakMb: median(results.ours.map((x) => x.peakMb)),
			items: results.ours[0].items,
			zeroLatencyMs: zero,
			floorMs: Math.round(floor),
			speedup: +(a / b).toFixed(2),
			vsFloor: +(b / floor).toFixed(2),
		};
	} finally {
		await slow.close();
		await fast.close();
		removeUserFolder(folder);
	}
}

(async () => {
	const bin = n8nBin();
	console.log(`n8n at ${bin}; ${MESSAGES} messages, ${LATENCY} ms latency per request, ${RUNS} runs (medians), our node with ${CONCURRENCY} requests in flight`);
	const rows = [];
	for (const name of Object.keys(PROVIDERS)) {
		console.log(`${PROVIDERS[name].label}:`);
		rows.push(await benchProvider(bin, name));
	}
	console.log('\n| provider | HTTP Request + Split Out (a) | our node, default settings (b) | a/b | floor | b/floor | budget lifted by hand | requests a / b | peak RSS a / b |');
	console.log('|---|---|---|---|---|---|---|---|---|');
	for (const r of rows) {
		console.log(`| ${r.provider} | ${r.baselineMs} ms | ${r.oursMs} ms | **${r.speedup}×** | ${r.floorMs} ms | ${r.vsFloor}× | ${r.liftedMs} ms | ${r.baselineRequests} / ${r.oursRequests} | ${r.baselinePeakMb} / ${r.oursPeakMb} MB |`);
	}
	console.log(`\nfloor = max(pages × latency ÷ ${CONCURRENCY}, our node's time at zero latency); ${rows[0].items} items each.`);
	console.log(JSON.stringify(rows));
})().catch((error) => {
	console.error(error);
	process.exit(1);
});
