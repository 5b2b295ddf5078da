// What an AI agent is handed for a conversation of 50 messages, per provider: the node's items as JSON (what an
// agent tool receives with Output Format = messages) against the transcript item (Output Format = transcript).
// Characters are a fair proxy for tokens. The nodes run against the local provider servers (test context).
//   npm run build && node bench/transcript-size.js [--messages 50]
const { startSimulator } = require('../test/simulators');
const { makeContext } = require('../test/helpers/context');
const { providers, BUSINESS, CONTACTS } = require('../test/helpers/providers');

const i = process.argv.indexOf('--messages');
const MESSAGES = i > 0 ? Number(process.argv[i + 1]) : 50;
const KEY = 'bench-transcript-key';

async function read(p, sim, outputFormat) {
	const ctx = makeContext({
		nodeClass: p.nodeClass,
		parameters: { operation: 'getConversation', businessNumber: BUSINESS, contactNumber: CONTACTS[0], returnAll: false, limit: MESSAGES, options: { outputFormat } },
		credentials: { apiKey: KEY, baseUrl: sim.url },
	});
	const [out] = await ctx.run();
	return out.map((o) => o.json);
}

(async () => {
	console.log(`Characters handed to an agent for a conversation of ${MESSAGES} messages (JSON of the output items)`);
	console.log('| provider | messages (items) | transcript | ratio |');
	console.log('|---|---:|---:|---:|');
	for (const name of Object.keys(providers)) {
		const p = providers[name];
		const sim = await startSimulator(name, { apiKey: KEY });
		// One contact only, with a few media messages, 10 minutes apart, ending 5 minutes ago.
		const stepMs = 600_000;
		const start = Date.now() - 300_000 - (MESSAGES - 1) * stepMs;
		sim.generate(MESSAGES, { business: BUSINESS, contacts: [CONTACTS[0]], start, stepMs, mediaEvery: 7 });
		const items = await read(p, sim, 'messages');
		const [transcript] = await read(p, sim, 'transcript');
		if (items.length !== MESSAGES || transcript.messageCount !== MESSAGES) throw new Error(`${name}: read ${items.length} / ${transcript.messageCount} messages`);
		const a = JSON.stringify(items).length;
		const b = JSON.stringify(transcript).length;
		console.log(`| ${p.provider} | ${a} | ${b} | ${(a / b).toFixed(1)}× less |`);
		await sim.close();
	}
})().catch((error) => {
	console.error(error);
	process.exit(1);
});
