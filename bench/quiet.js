// Benchmark: Wait for Quiet + transcript output against one execution per message, for each provider's instant trigger.
// A customer types a burst of 5 messages 2 s apart, after an earlier conversation of 24 messages. Measured in one run:
// - executions started: default settings (one per message) vs Wait for Quiet (one per burst);
// - the delay from the last message's delivery to the execution's start (want: the quiet period + under 1 s);
// - provider API calls for the burst (2Chat bills each one);
// - characters handed to the agent: with Wait for Quiet, one prompt holding the transcript (20 context messages and the 5
//   new ones) and the new lines; with default settings, 5 agent calls, each getting its message's text plus what a
//   memory node (n8n's Simple Memory with a window of 20 messages) replays: the conversation it stored, the earlier
//   fragments of the burst and the agent's replies to them (as long as the business's average message here).
// The triggers are the built nodes behind the n8n stand-in of the unit tests (test/helpers/miniN8n.js), against the
// local provider servers with their webhook delivery engine; n8n's own ~50 ms per execution is not included.
// Prints a table; asserts nothing.   npm run build && node bench/quiet.js [--quiet 8] [--gap 2] [--latency 20] (ONLY=twochat: one provider)
const { startWebhookSimulator } = require('../test/simulators/webhooks');
const { MiniN8n } = require('../test/helpers/miniN8n');

const arg = (name, fallback) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const QUIET_S = arg('quiet', 8);
const GAP_MS = arg('gap', 2) * 1000;
const LATENCY = arg('latency', 20);
const CONTEXT = 20;
const WINDOW = 20;
const BUSINESS = '+972501234567';
const CONTACT = '+972502222222';
const KEY = 'bench-quiet-key';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const PROVIDERS = {
	doubletick: { dir: 'DoubleTick', label: 'DoubleTick' },
	twochat: { dir: 'TwoChat', label: '2Chat' },
	chirp: { dir: 'Chirp', label: 'Chirp' },
	ninetyninedigital: { dir: 'NinetyNineDigital', label: '99digital' },
};

const EARLIER = [
	['inbound', 'Hello! Do you still have the blue rain jacket in size M?'],
	['outbound', 'Hi Dana, yes, we have two left in M. Would you like me to reserve one?'],
	['inbound', 'Yes please, and does it come with a hood?'],
	['outbound', 'It does, the hood folds into the collar. Reserved for you until Friday.'],
	['inbound', 'Great. Can I pay on delivery?'],
	['outbound', 'Of course, cash or card on delivery both work.'],
	['inbound', 'Perfect, I will order it tonight then'],
	['outbound', 'Wonderful! Let us know if you need anything else.'],
];
const BURST = ['Hi', 'I ordered the blue jacket yesterday', 'order 1042', 'the site says shipped but nothing arrived', 'where is it?'];

async function run(name, quiet) {
	const { dir } = PROVIDERS[name];
	const nodeClass = Object.values(require(`../dist/nodes/${dir}/${dir}InstantTrigger.node`))[0];
	const sim = await startWebhookSimulator(name, { apiKey: KEY, latencyMs: LATENCY });
	const credentials = { apiKey: KEY, baseUrl: sim.url };
	if (name === 'chirp') credentials.appApiKey = sim.webhooks.appKey;
	const options = quiet ? { waitForQuiet: QUIET_S, outputFormat: 'transcript', contextMessages: CONTEXT } : {};
	const n8n = await new MiniN8n({ nodeClass, parameters: { businessNumber: BUSINESS, event: 'inbound', options }, credentials }).start();
	const start = Date.now() - 3 * 86_400_000;
	const earlier = Array.from({ length: 24 }, (_, i) => EARLIER[i % EARLIER.length]);
	sim.add(earlier.map(([direction, text], i) => sim.makeMessage({ timestamp: start + i * 3_600_000, direction, business: BUSINESS, contact: CONTACT, text, contactName: 'Dana Levi' })));
	await n8n.activate();
	sim.clearRequests();
	let clock = Math.ceil(Date.now() / 1000) * 1000;
	let lastSent = 0;
	for (const [i, text] of BURST.entries()) {
		if (i > 0) await sleep(GAP_MS);
		clock = Math.max(clock + 1000, Math.ceil(Date.now() / 1000) * 1000);
		lastSent = Date.now();
		await sim.webhooks.deliver({ timestamp: clock, direction: 'inbound', business: BUSINESS, contact: CONTACT, text });
	}
	// Every request has ended (the last one waits for the quiet period).
	await n8n.idle();
	const calls = sim.requests.filter((r) => !sim.webhooks.managementCalls().includes(r)).length;
	const result = { executions: n8n.executions.length, delay: n8n.executions.length ? n8n.executions[n8n.executions.length - 1].at - lastSent : NaN, calls, earlier, items: n8n.executions.flatMap((e) => e.items) };
	await n8n.close();
	await sim.close();
	return result;
}

/** Characters of the prompt the example workflow gives its agent (examples/ai-agent-answers-whatsapp.json). */
function transcriptPrompt(item) {
	return `The WhatsApp conversation with ${item.contactName || item.contactNumber} so far, oldest first:\n${item.transcript}\n\nThe customer's new messages (the last ${item.newMessageCount} lines above):\n${item.newMessages}\n\nWrite the one reply to send now.`.length;
}

/** One agent call per message, each with the message's text and a memory node's window of the last WINDOW messages. */
function perMessageWithMemory(earlier, items) {
	const outbound = earlier.filter(([d]) => d === 'outbound').map(([, t]) => t);
	const replyLength = Math.round(outbound.reduce((n, t) => n + t.length, 0) / outbound.length);
	// Simple Memory keeps "human"/"ai" messages; a prompt replays them with their role.
	const memory = earlier.slice(-WINDOW).map(([d, t]) => `${d === 'inbound' ? 'Human' : 'AI'}: ${t}`);
	let total = 0;
	for (const item of items) {
		const window = memory.slice(-WINDOW);
		total += item.text.length + window.reduce((n, line) => n + line.length + 1, 0);
		memory.push(`Human: ${item.text}`, `AI: ${'x'.repeat(replyLength)}`);
	}
	return total;
}

(async () => {
	const names = Object.keys(PROVIDERS).filter((n) => !process.env.ONLY || n === process.env.ONLY);
	// One provider at a time (its two runs side by side): the servers and the n8n stand-ins share this process's thread.
	const results = [];
	for (const name of names) results.push(...(await Promise.all([run(name, false), run(name, true)])));
	console.log(`A burst of ${BURST.length} messages typed ${GAP_MS / 1000} s apart after a conversation of 24 messages; Wait for Quiet ${QUIET_S} s, transcript with ${CONTEXT} context messages`);
	console.log('| provider | executions (default → Wait for Quiet) | last message → execution start | API calls for the burst (default → Wait for Quiet) | characters to the agent: per message + memory node → transcript |');
	console.log('|---|---:|---:|---:|---:|');
	names.forEach((name, k) => {
		const [off, on] = [results[2 * k], results[2 * k + 1]];
		const memoryChars = perMessageWithMemory(off.earlier, off.items);
		const transcriptChars = on.items.reduce((n, item) => n + transcriptPrompt(item), 0);
		console.log(
			`| ${PROVIDERS[name].label} | ${off.executions} → **${on.executions}** | ${(on.delay / 1000).toFixed(2)} s (${QUIET_S} s + ${on.delay - QUIET_S * 1000} ms) | ${off.calls} → ${on.calls} | ${memoryChars} in ${off.executions} calls → ${transcriptChars} in ${on.executions} (${(memoryChars / transcriptChars).toFixed(1)}× fewer) |`,
		);
	});
	console.log(`\n(local servers with ${LATENCY} ms latency per request; characters are a fair proxy for tokens)`);
})().catch((e) => {
	console.error(e);
	process.exit(1);
});
