// Benchmark: the 2Chat Instant Trigger (webhook) vs the polling 2Chat Trigger at its shortest interval (one poll a
// minute), for an idle hour and for a burst of 200 inbound messages: provider API calls (2Chat bills each one),
// executions started, and the delay from the message's arrival to the execution's start.
// Both triggers are the built nodes, against the local 2Chat server (test/simulators/webhooks.js delivers the messages).
// The instant trigger runs behind the n8n stand-in of the unit tests (test/helpers/miniN8n.js: same lifecycle calls and
// response handling as n8n's webhook route, without n8n's own overhead of ~45-50 ms per execution measured in
// /work/shared/research/n8n-lab.md). The polling trigger's poll() is called as n8n's scheduler would; its delay is the
// wait for the next poll (uniform over the interval) plus the poll itself. The idle hour is counted, not waited for.
// Prints a table; asserts nothing.   node bench/instant.js [--burst 200] [--latency 20]
const { startWebhookSimulator } = require('../test/simulators/webhooks');
const { MiniN8n } = require('../test/helpers/miniN8n');
const { makeContext } = require('../test/helpers/context');
const { TwoChatInstantTrigger } = require('../dist/nodes/TwoChat/TwoChatInstantTrigger.node');
const { TwoChatTrigger } = require('../dist/nodes/TwoChat/TwoChatTrigger.node');

const arg = (name, fallback) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const BURST = arg('burst', 200);
const LATENCY = arg('latency', 20);
const POLL_INTERVAL_S = 60;
const BUSINESS = '+972501234567';
const CONTACTS = ['+972502222222', '+972503333333', '+972504444444'];
const KEY = 'bench-key';
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

async function instant(afterRestart) {
	const sim = await startWebhookSimulator('twochat', { apiKey: KEY, latencyMs: LATENCY });
	const n8n = await new MiniN8n({ nodeClass: TwoChatInstantTrigger, parameters: { businessNumber: BUSINESS, event: 'inbound' }, credentials: { apiKey: KEY, baseUrl: sim.url } }).start();
	await n8n.activate();
	// Idle hour: nothing arrives; one n8n start in it (checkExists).
	sim.clearRequests();
	await n8n.restart();
	const idle = { calls: sim.requests.length, executions: n8n.executions.length };
	// Burst: 200 messages arrive back to back; the provider delivers each as it arrives (concurrent requests).
	// `afterRestart`: the burst is the first traffic after an n8n start, so deliveries race to catch up.
	if (!afterRestart) {
		await sim.webhooks.deliver({ direction: 'inbound', business: BUSINESS, contact: CONTACTS[0], text: 'warm-up' });
		await n8n.idle();
	}
	sim.clearRequests();
	const before = n8n.executions.length;
	const t0 = Date.now();
	const delays = [];
	let clock = Math.ceil(Date.now() / 1000) * 1000;
	await Promise.all(
		Array.from({ length: BURST }, async (_, i) => {
			const [d] = await sim.webhooks.deliver({ timestamp: (clock += 1000), direction: 'inbound', business: BUSINESS, contact: CONTACTS[i % 3], text: `burst ${i}` });
			delays.push(d.attempts[d.attempts.length - 1].ms);
		}),
	);
	await n8n.idle();
	const burst = {
		calls: sim.requests.length,
		executions: n8n.executions.length - before,
		items: n8n.executions.slice(before).reduce((n, e) => n + e.items.length, 0),
		unique: new Set(n8n.executions.slice(before).flatMap((e) => e.items.map((m) => m.id))).size,
		median: pct(delays, 50),
		p95: pct(delays, 95),
		max: Math.max(...delays),
		wall: Date.now() - t0,
	};
	await n8n.close();
	await sim.close();
	return { idle, burst };
}

async function polling() {
	const sim = await startWebhookSimulator('twochat', { apiKey: KEY, latencyMs: LATENCY });
	const staticData = {};
	const poll = async () => makeContext({ nodeClass: TwoChatTrigger, parameters: { businessNumber: BUSINESS, event: 'inbound' }, credentials: { apiKey: KEY, baseUrl: sim.url }, staticData }).run();
	await poll(); // activation: records the starting point
	sim.clearRequests();
	let executions = 0;
	for (let i = 0; i < 3600 / POLL_INTERVAL_S; i++) if (await poll()) executions++;
	const idle = { calls: sim.requests.length, executions };
	let clock = Math.ceil(Date.now() / 1000) * 1000;
	for (let i = 0; i < BURST; i++) sim.add(sim.makeMessage({ timestamp: (clock += 1000), direction: 'inbound', business: BUSINESS, contact: CONTACTS[i % 3], text: `burst ${i}` }));
	sim.clearRequests();
	const t0 = Date.now();
	const out = await poll();
	const pollMs = Date.now() - t0;
	const burst = { calls: sim.requests.length, executions: out ? 1 : 0, items: out ? out[0].length : 0, pollMs };
	await sim.close();
	return { idle, burst };
}

(async () => {
	const i = await instant(false);
	const r = await instant(true);
	const p = await polling();
	const half = (POLL_INTERVAL_S * 1000) / 2;
	const rows = [
		['', 'instant (webhook)', `polling (every ${POLL_INTERVAL_S} s)`],
		['idle hour: API calls', `${i.idle.calls} (one list call per n8n start)`, `${p.idle.calls}`],
		['idle hour: executions', `${i.idle.executions}`, `${p.idle.executions}`],
		[`burst of ${BURST}: API calls`, `${i.burst.calls}`, `${p.burst.calls}`],
		[`burst of ${BURST}: executions`, `${i.burst.executions} (${i.burst.items} items, ${i.burst.unique} distinct)`, `${p.burst.executions} (${p.burst.items} items)`],
		[
			`burst of ${BURST}: arrival → execution start`,
			`median ${i.burst.median} ms, p95 ${i.burst.p95} ms, max ${i.burst.max} ms (+ n8n's ~50 ms)`,
			`median ${Math.round(half / 1000)} s, max ${POLL_INTERVAL_S} s (wait for the next poll) + ${p.burst.pollMs} ms poll`,
		],
		[
			`burst of ${BURST} right after an n8n start`,
			`${r.burst.calls} API calls, ${r.burst.executions} executions, ${r.burst.items} items (${r.burst.unique} distinct), max ${r.burst.max} ms`,
			'as above',
		],
	];
	const width = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
	for (const [n, r] of rows.entries()) {
		console.log(`| ${r.map((cell, c) => cell.padEnd(width[c])).join(' | ')} |`);
		if (n === 0) console.log(`|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`);
	}
	console.log(`\n(2Chat server latency ${LATENCY} ms per request; burst wall time ${i.burst.wall} ms for the instant trigger)`);
})().catch((e) => {
	console.error(e);
	process.exit(1);
});
