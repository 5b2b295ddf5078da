// Benchmark: "who wrote this week, and who is waiting for a reply" in a real n8n, List Conversations against what
// users build today: Get Many (Return All, the same 7 days) + a Code node that groups the messages by contact into
// the same fields. Against the local 2Chat server (100 messages per page, 20 ms added latency per request), a window
// of 20 000 messages across 500 contacts. Both workflows run in the same bench run, alternately, each in its own
// `n8n execute` process (default node settings; the Code node runs in n8n's task runner, as it does for users).
// Time: the nodes' own execution times from the run data (n8n's boot not counted). Memory: peak RSS of the n8n
// process while the workflow runs (bench/peak-memory.js: printing the run at the end is not counted) and of its
// task runner (where the Code node's grouping happens). Prints the figures and the ratios; asserts nothing.
//   node bench/conversations.js [--messages 20000] [--contacts 500] [--latency 20] [--runs 3]
const fs = require('fs');
const os = require('os');
const path = require('path');
const { n8nBin, createUserFolder, removeUserFolder, importCli, executeWorkflowCli } = require('../test/e2e/harness');
const { startSimulator } = require('../test/simulators');
const { cliEnv } = require('./cli-env');

const arg = (name, fallback) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const MESSAGES = arg('messages', 20000);
const CONTACTS = arg('contacts', 500);
const LATENCY = arg('latency', 20);
const RUNS = arg('runs', 3);
const BUSINESS = '+972501234567';
const KEY = 'bench-key';
const PKG = path.resolve(__dirname, '..');
const DAY = 86_400_000;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes) => Math.round(bytes / 1024 / 1024);

// What a user writes today: group Get Many's items (newest first) by contact into the conversation fields.
const GROUPING_CODE = `const byContact = new Map();
for (const item of $input.all()) {
  const m = item.json;
  let c = byContact.get(m.contactNumber);
  if (!c) {
    c = { provider: m.provider, businessNumber: m.businessNumber, contactNumber: m.contactNumber, contactName: null, conversationId: m.conversationId,
      lastMessage: m, lastTimestamp: m.timestamp, lastDirection: m.direction, awaitingReply: m.direction === 'inbound', awaitingSince: null,
      messageCount: 0, inboundCount: 0, outboundCount: 0, replied: false };
    byContact.set(m.contactNumber, c);
  }
  c.contactName = c.contactName || m.contactName;
  c.messageCount++;
  if (m.direction === 'inbound') c.inboundCount++; else c.outboundCount++;
  if (!c.replied) { if (m.direction === 'outbound') c.replied = true; else c.awaitingSince = m.timestamp; }
}
return [...byContact.values()].map(({ replied, ...c }) => ({ json: { ...c, awaitingSince: c.awaitingReply ? c.awaitingSince : null } }));`;

const manual = { id: 'bench-manual', name: 'Manual', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
function workflow(id, nodes) {
	const all = [manual, ...nodes];
	const connections = {};
	for (let i = 0; i < all.length - 1; i++) connections[all[i].name] = { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] };
	return { id, name: id, active: false, settings: { executionOrder: 'v1' }, nodes: all, connections };
}

/** 20 000 messages over the last 6 days, spread over 500 contacts (half of them named), both directions. */
function fill(sim, now) {
	const step = Math.floor((6 * DAY) / MESSAGES);
	const contacts = Array.from({ length: CONTACTS }, (_, k) => `+9725${String(10000000 + k * 7919).slice(-8)}`);
	let seed = 12345;
	const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
	const raws = [];
	for (let i = 0; i < MESSAGES; i++) {
		const k = Math.floor(next() * CONTACTS);
		const inbound = next() < 0.55;
		raws.push(
			sim.makeMessage({
				business: BUSINESS,
				contact: contacts[k],
				direction: inbound ? 'inbound' : 'outbound',
				timestamp: now - 6 * DAY + i * step,
				text: `message ${i} of a typical length for a customer conversation`,
				contactName: inbound && k % 2 === 0 ? `Customer ${k}` : null,
			}),
		);
	}
	sim.add(raws);
}

/** The process tree of a running `n8n execute --id=<id>`: its task runner's peak RSS (VmHWM), sampled. */
function runnerSampler(id) {
	let peakKb = 0;
	const parentOf = (pid) => Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]);
	const timer = setInterval(() => {
		const pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
		const mains = new Set();
		for (const pid of pids) {
			try {
				const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
				if (cmd.includes(`--id=${id}`) && !cmd.includes('supervise')) mains.add(Number(pid));
			} catch {
				/* gone */
			}
		}
		for (const pid of pids) {
			try {
				if (!mains.has(parentOf(pid))) continue;
				const hwm = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
				if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
			} catch {
				/* gone */
			}
		}
	}, 50);
	return { stop: () => (clearInterval(timer), peakKb * 1024) };
}

async function execute(bin, folder, id, env) {
	const peakFile = path.join(os.tmpdir(), `wa-bench-peak-${id}-${process.pid}`);
	const peakFiles = () => fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith(`${path.basename(peakFile)}.`)).map((f) => path.join(os.tmpdir(), f));
	for (const f of peakFiles()) fs.rmSync(f, { force: true });
	const runner = runnerSampler(id);
	try {
		let run;
		for (let attempt = 1; !run; attempt++) {
			try {
				run = await executeWorkflowCli(bin, folder, id, { ...env, BENCH_PEAK_FILE: peakFile }, { timeoutMs: 600000 });
			} catch (error) {
				// n8n's CLI sometimes exits before its (long) JSON output is flushed; that run is repeated.
				if (attempt >= 3 || !/printed no IRun JSON|could not parse/.test(error.message)) throw error;
				console.log(`  (${id}: n8n's output was cut short, running it again)`);
			}
		}
		const rd = run.data.resultData;
		if (rd.error) throw new Error(`${id} failed: ${rd.error.message}`);
		const nodes = Object.fromEntries(Object.entries(rd.runData).map(([name, runs]) => [name, { ms: runs[0].executionTime, items: (runs[0].data.main[0] || []).map((i) => i.json) }]));
		// n8n's own process: the one that ran `execute` (not the supervisor that started it).
		const peaks = peakFiles().map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
		const n8nPeak = peaks.find((x) => x.argv.includes('execute') && !x.argv.some((a) => a.includes('supervise')));
		if (!n8nPeak) throw new Error(`no peak memory from n8n's process (${JSON.stringify(peaks.map((x) => x.argv))})`);
		const main = n8nPeak.peakBytes;
		return { nodes, mainBytes: main, runnerBytes: runner.stop() };
	} finally {
		runner.stop();
		for (const f of peakFiles()) fs.rmSync(f, { force: true });
	}
}

/** The two results describe the same conversations (contact, counts, last message, awaiting). */
function sameConversations(ours, theirs) {
	const key = (c) => [c.contactNumber, c.messageCount, c.inboundCount, c.outboundCount, c.lastMessage.id, c.awaitingReply, c.awaitingSince].join('|');
	const a = ours.map(key).sort();
	const b = theirs.map(key).sort();
	return a.length === b.length && a.every((x, i) => x === b[i]);
}

(async () => {
	const bin = n8nBin();
	const sim = await startSimulator('twochat', { apiKey: KEY, latencyMs: LATENCY, rateLimit: { perMinute: 100000 } });
	const folder = createUserFolder({ pkgDir: PKG, prefix: 'wa-bench-conv-' });
	try {
		fill(sim, Date.now());
		const cred = { id: 'benchConvCred01', name: '2Chat local', type: 'twoChatApi', data: { apiKey: KEY, baseUrl: sim.url } };
		const whatsapp = (parameters) => ({
			id: `wa-${parameters.operation}`, name: 'WhatsApp', type: 'n8n-nodes-whatsapp-history.twoChat', typeVersion: 1, position: [220, 0],
			parameters: { businessNumber: BUSINESS, returnAll: true, options: {}, ...parameters },
			credentials: { twoChatApi: { id: cred.id, name: cred.name } },
		});
		const wfs = [
			workflow('benchConvOurs01', [whatsapp({ operation: 'listConversations' })]),
			workflow('benchConvCode01', [
				whatsapp({ operation: 'getAll', filters: { startDate: '={{ $now.minus({ days: 7 }).toISO() }}' } }),
				{ id: 'bench-code', name: 'Group by contact', type: 'n8n-nodes-base.code', typeVersion: 2, position: [440, 0], parameters: { jsCode: GROUPING_CODE } },
			]),
		];
		// Unlike the other benchmarks the task runner is needed (Code node): n8n's default, internal mode.
		const { env } = cliEnv();
		delete env.N8N_RUNNERS_MODE;
		delete env.N8N_RUNNERS_AUTH_TOKEN;
		const runEnv = { ...env, NODE_OPTIONS: ['let-output-drain.js', 'peak-memory.js'].map((f) => `--require ${path.join(__dirname, f)}`).join(' ') };
		await importCli(bin, folder, 'credentials', [cred], env);
		await importCli(bin, folder, 'workflow', wfs, env);
		console.log(`n8n at ${bin}; ${MESSAGES} messages across ${CONTACTS} contacts in the window, ${LATENCY} ms latency per request, ${RUNS} runs (medians)`);

		const ours = [];
		const code = [];
		let same = true;
		for (let r = 0; r < RUNS; r++) {
			sim.clearRequests();
			const a = await execute(bin, folder, 'benchConvOurs01', runEnv);
			const aRequests = sim.requests.length;
			sim.clearRequests();
			const b = await execute(bin, folder, 'benchConvCode01', runEnv);
			const bRequests = sim.requests.length;
			same = same && sameConversations(a.nodes.WhatsApp.items, b.nodes['Group by contact'].items);
			const bMs = b.nodes.WhatsApp.ms + b.nodes['Group by contact'].ms;
			ours.push({ ms: a.nodes.WhatsApp.ms, main: a.mainBytes, runner: a.runnerBytes, requests: aRequests, items: a.nodes.WhatsApp.items.length });
			code.push({ ms: bMs, readMs: b.nodes.WhatsApp.ms, groupMs: b.nodes['Group by contact'].ms, main: b.mainBytes, runner: b.runnerBytes, requests: bRequests, items: b.nodes['Group by contact'].items.length, read: b.nodes.WhatsApp.items.length });
			console.log(
				`  run ${r + 1}: List Conversations ${a.nodes.WhatsApp.ms} ms (${aRequests} requests, ${ours[r].items} items, n8n ${mb(a.mainBytes)} MB, runner ${mb(a.runnerBytes)} MB)` +
					` | Get Many ${code[r].readMs} ms + Code ${code[r].groupMs} ms (${bRequests} requests, ${code[r].read} → ${code[r].items} items, n8n ${mb(b.mainBytes)} MB, runner ${mb(b.runnerBytes)} MB)`,
			);
		}
		const m = (rows, f) => median(rows.map(f));
		const row = (label, rows) =>
			`| ${label} | ${m(rows, (x) => x.ms)} ms | ${mb(m(rows, (x) => x.main))} MB | ${mb(m(rows, (x) => x.runner))} MB | ${mb(m(rows, (x) => x.main + x.runner))} MB | ${rows[0].requests} | ${rows[0].items} |`;
		console.log('\n| workflow | time | peak RSS, n8n | peak RSS, task runner | together | requests | items out |');
		console.log('|---|---:|---:|---:|---:|---:|---:|');
		console.log(row('List Conversations (a)', ours));
		console.log(row(`Get Many + Code node (b): ${m(code, (x) => x.readMs)} + ${m(code, (x) => x.groupMs)} ms`, code));
		const time = m(code, (x) => x.ms) / m(ours, (x) => x.ms);
		const memory = m(code, (x) => x.main + x.runner) / m(ours, (x) => x.main + x.runner);
		const mainMemory = m(code, (x) => x.main) / m(ours, (x) => x.main);
		console.log(`\nb/a: time ${time.toFixed(2)}×, peak RSS together ${memory.toFixed(2)}× (n8n process alone ${mainMemory.toFixed(2)}×); same conversations in both: ${same ? 'yes' : 'NO'}`);
		console.log(JSON.stringify({ messages: MESSAGES, contacts: CONTACTS, latency: LATENCY, runs: RUNS, ours, code, same }));
	} finally {
		await sim.close();
		removeUserFolder(folder);
	}
})().catch((error) => {
	console.error(error);
	process.exit(1);
});
