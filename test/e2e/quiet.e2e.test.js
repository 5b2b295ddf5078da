// Wait for Quiet and the transcript output of the instant triggers in a real, running n8n (`n8n start`, production
// webhook URLs), against the local 2Chat server with its webhook delivery engine (test/simulators/webhooks.js):
// - a burst of 4 messages then silence → one execution with the 4 items (and, as a transcript, one item with
//   newMessageCount 4 and the context);
// - two contacts typing at the same time → two executions, each with its own messages;
// - a message arriving just before the quiet period ends extends it;
// - every delivery sent twice during the wait → one execution;
// - n8n restarted during the wait → the burst reaches the workflow exactly once, by catch-up;
// - the example workflow examples/ai-agent-answers-whatsapp.json (instant trigger → AI Agent → reply through 2Chat's
//   send API with an HTTP Request node using the 2Chat credential) with a local stand-in for an OpenAI-compatible
//   API: one agent call per burst, and what the agent received is the transcript.
// "Nothing more happened" is checked once the execution count has not changed for longer than a quiet period.
const fs = require('fs');
const http = require('http');
const path = require('path');
const crypto = require('crypto');
const { startN8n, n8nBin } = require('./harness');
const { instantWorkflow, messageClock, deliverLive } = require('./instant-helpers');
const { startWebhookSimulator } = require('../simulators/webhooks');
const { BUSINESS, CONTACTS } = require('../helpers/providers');

const PKG = path.resolve(__dirname, '../..');
const KEY = 'e2e-quiet-key';
const QUIET = 4; // seconds
const [A, B, C] = CONTACTS;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let n8n;
let sim;
let cred;
beforeAll(async () => {
	sim = await startWebhookSimulator('twochat', { apiKey: KEY });
	n8n = await startN8n({ pkgDir: PKG, bin: n8nBin() });
	cred = await n8n.createCredential({ name: '2chat quiet', type: 'twoChatApi', data: { apiKey: KEY, baseUrl: sim.url } });
}, 300000);
afterAll(async () => {
	if (n8n) await n8n.stop();
	if (sim) await sim.close();
});

const triggerWorkflow = (name, options) =>
	instantWorkflow({
		name,
		type: 'twoChatInstantTrigger',
		parameters: { businessNumber: BUSINESS, event: 'inbound', options },
		credentials: { twoChatApi: { id: cred.id, name: cred.name } },
	});

const typed = messageClock();
/** A message typed now (whole seconds, each after the previous one: 2Chat keeps seconds). */
const say = (contact, text) => typed(text, contact);
const deliverNow = (message) => deliverLive(sim, message);

/** The workflow's executions once their number has not changed for longer than a quiet period; oldest first, finished. */
async function settled(workflowId, atLeast, forMs = QUIET * 1000 + 4000) {
	await n8n.waitForExecutions(workflowId, atLeast, { timeoutMs: 120000 });
	let count = -1;
	let since = Date.now();
	for (;;) {
		const list = await n8n.executions(workflowId);
		if (list.length !== count) {
			count = list.length;
			since = Date.now();
		} else if (Date.now() - since >= forMs) {
			const out = [];
			for (const summary of list.slice().reverse()) out.push(await n8n.waitForExecution(summary.id));
			return out;
		}
		await sleep(500);
	}
}

const outputOf = (execution, node = 'New Message') => n8n.nodeOutput(execution, node);
const textsOf = (executions) => executions.map((e) => outputOf(e).map((m) => m.text));

describe('Wait for Quiet (messages), 2Chat Instant Trigger in a real n8n', () => {
	let created;
	let seen = 0;
	/** Executions that started since the last call. */
	async function fresh(atLeast) {
		const all = await settled(created.id, seen + atLeast);
		const out = all.slice(seen);
		seen = all.length;
		return out;
	}
	beforeAll(async () => {
		created = await n8n.createWorkflow(triggerWorkflow('quiet messages', { waitForQuiet: QUIET }));
		await n8n.activate(created);
	}, 120000);
	afterAll(async () => {
		if (created) await n8n.deactivate(created);
	});

	test('a burst of 4 then silence: one execution with the 4 items, oldest first, started a quiet period after the last message', async () => {
		const burst = ['Hi', 'I ordered yesterday', 'order 1042', 'where is it?'];
		let lastSent = 0;
		for (const text of burst) {
			const [d] = await deliverNow(say(A, text));
			// Answered at once, whatever the wait.
			expect(d.attempts[d.attempts.length - 1]).toMatchObject({ status: 200, body: '{"received":true}' });
			lastSent = Date.now();
			await sleep(1000);
		}
		const executions = await fresh(1);
		expect(textsOf(executions)).toEqual([burst]);
		expect(outputOf(executions[0])[0]).toEqual(expect.objectContaining({ provider: '2chat', contactNumber: A, businessNumber: BUSINESS, direction: 'inbound', status: 'received' }));
		expect(Date.parse(executions[0].startedAt)).toBeGreaterThanOrEqual(lastSent + QUIET * 1000 - 50);
	}, 120000);

	test('two contacts typing at the same time: two executions, each with its own messages', async () => {
		for (const [contact, text] of [[A, 'a1'], [B, 'b1'], [A, 'a2'], [B, 'b2'], [A, 'a3']]) {
			await deliverNow(say(contact, text));
			await sleep(500);
		}
		expect(textsOf(await fresh(2)).sort()).toEqual([['a1', 'a2', 'a3'], ['b1', 'b2']]);
	}, 120000);

	test('a message arriving just before the quiet period ends extends it', async () => {
		await deliverNow(say(A, 'first'));
		await sleep(QUIET * 1000 - 700);
		await deliverNow(say(A, 'just in time'));
		const sent = Date.now();
		const executions = await fresh(1);
		expect(textsOf(executions)).toEqual([['first', 'just in time']]);
		expect(Date.parse(executions[0].startedAt)).toBeGreaterThanOrEqual(sent + QUIET * 1000 - 50);
	}, 120000);

	test('every delivery sent twice during the wait: one execution, each message once', async () => {
		sim.webhooks.switches.duplicate = true;
		try {
			for (const text of ['dup 1', 'dup 2', 'dup 3']) {
				const [d] = await deliverNow(say(C, text));
				expect(d.attempts.map((a) => a.status)).toEqual([200, 200]);
				await sleep(500);
			}
		} finally {
			sim.webhooks.switches.duplicate = false;
		}
		expect(textsOf(await fresh(1))).toEqual([['dup 1', 'dup 2', 'dup 3']]);
	}, 120000);

	test('n8n restarted during the wait: the burst reaches the workflow exactly once, by catch-up with the next delivery', async () => {
		for (const text of ['held 1', 'held 2', 'held 3']) await deliverNow(say(A, text));
		// n8n stops while the three deliveries wait for quiet (the provider was answered long ago: it sends nothing again).
		await n8n.restartMain();
		await sleep(2000);
		await deliverNow(say(B, 'first after the restart'));
		const executions = await fresh(1);
		// One execution: the held burst (read from the history by the catch-up) with the new contact's message.
		expect(textsOf(executions).map((texts) => texts.sort())).toEqual([['first after the restart', 'held 1', 'held 2', 'held 3']]);
		// Later messages: only themselves.
		await deliverNow(say(A, 'later'));
		expect(textsOf(await fresh(1))).toEqual([['later']]);
	}, 240000);
});

describe('transcript output with Wait for Quiet', () => {
	test('a burst of 4 with 3 context messages: one item, newMessageCount 4, the context first', async () => {
		const CONTACT = '+972506666666';
		const t = Date.now() - 3600_000;
		sim.add(
			[
				['inbound', 'Is the blue one in stock?'],
				['outbound', 'Yes, we have it.'],
				['inbound', 'Great, I will order it'],
				['outbound', 'Thank you!'],
			].map(([direction, text], i) => sim.makeMessage({ timestamp: t + i * 60_000, direction, business: BUSINESS, contact: CONTACT, text })),
		);
		const created = await n8n.createWorkflow(triggerWorkflow('quiet transcript', { waitForQuiet: QUIET, outputFormat: 'transcript', contextMessages: 3 }));
		await n8n.activate(created);
		try {
			const burst = ['Hi again', 'I ordered yesterday', 'order 1042', 'where is it?'];
			for (const text of burst) {
				await deliverNow(say(CONTACT, text));
				await sleep(700);
			}
			const executions = await settled(created.id, 1);
			expect(executions).toHaveLength(1);
			const items = outputOf(executions[0]);
			expect(items).toHaveLength(1);
			expect(items[0]).toMatchObject({ provider: '2chat', businessNumber: BUSINESS, contactNumber: CONTACT, messageCount: 7, newMessageCount: 4 });
			const lines = items[0].transcript.split('\n');
			expect(lines.slice(0, 3).map((l) => l.replace(/^.*?: /, ''))).toEqual(['Yes, we have it.', 'Great, I will order it', 'Thank you!']);
			expect(items[0].newMessages).toBe(lines.slice(3).join('\n'));
			expect(lines.slice(3).map((l) => l.replace(/^.*?: /, ''))).toEqual(burst);
		} finally {
			await n8n.deactivate(created);
		}
	}, 120000);
});

describe('the example "AI agent answers customers on WhatsApp"', () => {
	let llm;
	const llmCalls = [];
	const REPLY = 'Your order 1042 left our warehouse yesterday and arrives tomorrow.';
	beforeAll(async () => {
		// A stand-in for an OpenAI-compatible chat completions API: records each request and answers with REPLY.
		llm = http.createServer((req, res) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				llmCalls.push(JSON.parse(body || '{}'));
				const message = { role: 'assistant', content: REPLY };
				res.writeHead(200, { 'content-type': 'application/json' }).end(
					JSON.stringify({ id: `chatcmpl-${llmCalls.length}`, object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: 'gpt-4o-mini', choices: [{ index: 0, message, finish_reason: 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 } }),
				);
			});
		});
		await new Promise((r) => llm.listen(0, '127.0.0.1', r));
	});
	afterAll(async () => {
		if (llm) await new Promise((r) => llm.close(r));
	});

	test('imported and run: one agent call per burst with the conversation as a transcript; the reply goes out through 2Chat\'s send API', async () => {
		const CONTACT = '+972505555555';
		const t = Date.now() - 24 * 3600_000;
		// 25 earlier messages with this customer: the trigger hands the newest 20 of them to the agent as context.
		sim.add(Array.from({ length: 25 }, (_, i) => sim.makeMessage({ timestamp: t + i * 60_000, direction: i % 2 ? 'outbound' : 'inbound', business: BUSINESS, contact: CONTACT, text: `earlier ${i}` })));
		const openai = await n8n.createCredential({ name: 'fake openai', type: 'openAiApi', data: { apiKey: 'sk-local-fake', url: `http://127.0.0.1:${llm.address().port}/v1` } });
		const example = JSON.parse(fs.readFileSync(path.join(PKG, 'examples/ai-agent-answers-whatsapp.json'), 'utf8'));
		for (const node of example.nodes) {
			if (node.credentials?.twoChatApi) node.credentials.twoChatApi = { id: cred.id, name: cred.name };
			if (node.credentials?.openAiApi) node.credentials.openAiApi = { id: openai.id, name: openai.name };
			if (node.type.endsWith('InstantTrigger')) node.webhookId = crypto.randomUUID();
			// The only change: 2Chat's host is the local server (as the credential's Base URL is).
			if (node.type === 'n8n-nodes-base.httpRequest') node.parameters.url = node.parameters.url.replace('https://api.p.2chat.io', sim.url);
		}
		const created = await n8n.createWorkflow(example);
		await n8n.activate(created);
		try {
			const burst = ['Hi', 'I ordered yesterday', 'order 1042', 'where is it?'];
			for (const text of burst) {
				await deliverNow(say(CONTACT, text));
				await sleep(1000);
			}
			const executions = await settled(created.id, 1, 12000);
			expect(executions).toHaveLength(1);
			const execution = executions[0];
			expect(n8n.nodeError(execution, 'AI Agent')).toBeUndefined();
			expect(n8n.nodeError(execution, 'Send the reply on WhatsApp')).toBeUndefined();
			// One item, the transcript: 20 context lines and the 4 new ones.
			const [item] = outputOf(execution, 'New WhatsApp messages');
			expect(item).toMatchObject({ contactNumber: CONTACT, newMessageCount: 4, messageCount: 24 });
			// The agent was called once and got the transcript and the new messages in its prompt.
			expect(llmCalls).toHaveLength(1);
			const prompt = llmCalls[0].messages.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content))).join('\n');
			expect(prompt).toContain(item.transcript);
			expect(prompt).toContain(item.newMessages);
			expect(prompt).toMatch(/: earlier 5\n/);
			expect(prompt).not.toMatch(/: earlier 4\n/);
			for (const text of burst) expect(prompt).toContain(`: ${text}`);
			// The reply went to the customer through 2Chat's send API, authenticated with the 2Chat credential.
			const sends = sim.requestsTo('/open/whatsapp/send-message');
			expect(sends).toHaveLength(1);
			expect(sends[0].headers['x-user-api-key']).toBe(KEY);
			expect(sends[0].body).toEqual({ from_number: BUSINESS, to_number: CONTACT, text: REPLY });
			// ... and is now part of the conversation the next burst's transcript shows.
			await deliverNow(say(CONTACT, 'thanks!'));
			const next = (await settled(created.id, 2, 12000))[1];
			const [second] = outputOf(next, 'New WhatsApp messages');
			expect(second.newMessageCount).toBe(1);
			expect(second.transcript).toContain(`: ${REPLY}`);
			expect(llmCalls).toHaveLength(2);
		} finally {
			await n8n.deactivate(created);
		}
	}, 180000);
});
