// The example workflows in examples/ stay valid: each is imported into a real n8n with `n8n import:workflow`,
// read back through the REST API, and every node type it uses is one n8n knows (ours included). The List
// Conversations and Transcript per Contact examples also run, as imported, against the local provider servers:
// only their credentials and the Slack / CRM URLs are pointed at local servers (a recorder stands in for Slack and
// the CRM).
const fs = require('fs');
const http = require('http');
const path = require('path');
const { startN8n, n8nBin, importCli } = require('./harness');
const { startSimulator } = require('../simulators');
const { seedConversations, PEOPLE, BUSINESS, HOUR } = require('../helpers/conversations');

const PKG = path.resolve(__dirname, '../..');
const DIR = path.join(PKG, 'examples');
const examples = fs.readdirSync(DIR).filter((f) => f.endsWith('.json'));

let n8n;
let knownTypes;
beforeAll(async () => {
	n8n = await startN8n({ pkgDir: PKG, bin: n8nBin() });
	const res = await fetch(`${n8n.base}/types/nodes.json`, { headers: { cookie: n8n.cookie() } });
	knownTypes = new Set((await res.json()).map((t) => t.name));
}, 300000);
afterAll(async () => {
	if (n8n) await n8n.stop();
});

test('there are examples for history → sheets, new message → CRM, AI agents (reading, answering), waiting customers → Slack and a note per customer', () => {
	expect(examples.sort()).toEqual([
		'ai-agent-answers-whatsapp.json',
		'ai-agent-reads-conversation.json',
		'daily-notes-per-customer.json',
		'new-message-to-crm.json',
		'scheduled-history-to-sheets.json',
		'waiting-customers-to-slack.json',
	]);
});

test.each(examples)('%s imports into n8n and uses only known node types', async (file) => {
	const wf = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'));
	const id = `ex${file.replace(/[^a-z]/gi, '').slice(0, 14)}`;
	await importCli(n8n.bin, n8n.userFolder, 'workflow', { ...wf, id });
	const stored = await n8n.workflow(id);
	expect(stored.name).toBe(wf.name);
	expect(stored.nodes.map((x) => x.name).sort()).toEqual(wf.nodes.map((x) => x.name).sort());
	for (const node of wf.nodes) expect([node.type, knownTypes.has(node.type)]).toEqual([node.type, true]);
	expect(wf.nodes.some((x) => x.type.startsWith('n8n-nodes-whatsapp-history.'))).toBe(true);
});

describe('examples run against the local servers', () => {
	const KEY = 'sk_admin_examples-key-5566778899';
	const posts = [];
	let recorder;
	let recorderUrl;
	const sims = {};
	beforeAll(async () => {
		recorder = http.createServer((req, res) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				posts.push({ method: req.method, path: req.url, body: JSON.parse(body || 'null') });
				res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
			});
		});
		await new Promise((r) => recorder.listen(0, '127.0.0.1', r));
		recorderUrl = `http://127.0.0.1:${recorder.address().port}`;
		sims.twochat = await startSimulator('twochat', { apiKey: KEY });
		sims.ninetyninedigital = await startSimulator('ninetyninedigital', { apiKey: KEY });
	});
	afterAll(async () => {
		if (recorder) await new Promise((r) => recorder.close(r));
		for (const sim of Object.values(sims)) await sim.close();
	});

	/** The example as imported, with its credential pointed at a local server and its HTTP Request URLs at the recorder. */
	async function runnable(file, simName) {
		const wf = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'));
		for (const node of wf.nodes) {
			for (const type of Object.keys(node.credentials || {})) {
				const created = await n8n.createCredential({ name: `${file} ${type}`, type, data: { apiKey: KEY, baseUrl: sims[simName].url } });
				node.credentials[type] = { id: created.id, name: created.name };
			}
			if (node.type === 'n8n-nodes-base.httpRequest') node.parameters.url = `${recorderUrl}${new URL(node.parameters.url).pathname}`;
		}
		return wf;
	}

	test('waiting-customers-to-slack: one Slack message per customer waiting 30+ minutes, a later reply counts', async () => {
		const s = seedConversations(sims.twochat);
		posts.length = 0;
		const wf = await runnable('waiting-customers-to-slack.json', 'twochat');
		const { execution } = await n8n.runManual(wf, { triggerName: 'Every 15 minutes' });
		expect(n8n.nodeError(execution, 'Waiting 30+ minutes (2Chat)')).toBeUndefined();
		// Dana wrote twice after our last reply (2 h and 90 min ago); Rina's message of 65 min ago was answered 20 min
		// ago; the newer and unanswered contact wrote 10 minutes ago (not 30 yet); the untimed one cannot be shown to be.
		const waiting = n8n.nodeOutput(execution, 'Waiting 30+ minutes (2Chat)');
		expect(waiting.map((c) => [c.contactNumber, c.contactName, c.awaitingReply, c.awaitingSince, c.messageCount])).toEqual([[PEOPLE.A, 'Dana Levi', true, s.at.a3, 4]]);
		expect(waiting[0].lastMessage.id).toBe(s.ids.a4);
		expect(posts).toHaveLength(1);
		expect(posts[0]).toMatchObject({ method: 'POST', path: '/services/REPLACE/WITH/YOUR-WEBHOOK' });
		expect(posts[0].body.text).toMatch(/^:hourglass: Dana Levi \(\+972502222222\) has been waiting for a reply since \d\d:\d\d \(3 messages this week\)\. Last: "a4: question"$/);
	});

	test('daily-notes-per-customer: one CRM note per customer who wrote today, the most recent first', async () => {
		const sim = sims.ninetyninedigital;
		const now = Math.floor(Date.now() / 1000) * 1000;
		// Seconds ago, so that they are "today" in any timezone (but in the first seconds after midnight); 30 hours ago is not.
		const script = [
			[PEOPLE.A, 'inbound', 9000, 'Hi, is order #1042 on its way?'],
			[PEOPLE.A, 'outbound', 8000, 'Yes, it ships today'],
			[PEOPLE.Y, 'inbound', 4000, 'Can I change my address?'],
			[PEOPLE.O, 'inbound', 30 * HOUR, 'Yesterday'],
		];
		sim.add(script.map(([contact, direction, ago, text]) => sim.makeMessage({ business: BUSINESS, contact, direction, text, timestamp: now - ago })));
		posts.length = 0;
		const wf = await runnable('daily-notes-per-customer.json', 'ninetyninedigital');
		const { execution } = await n8n.runManual(wf, { triggerName: 'Every evening at 20:00' });
		const node = 'Today, one transcript per customer (99digital)';
		expect(n8n.nodeError(execution, node)).toBeUndefined();
		const notes = n8n.nodeOutput(execution, node);
		expect(notes.map((t) => [t.contactNumber, t.messageCount])).toEqual([
			[PEOPLE.Y, 1],
			[PEOPLE.A, 2],
		]);
		expect(posts.map((p) => p.body.phone)).toEqual([PEOPLE.Y, PEOPLE.A]);
		const dana = posts[1].body;
		expect(dana).toMatchObject({ name: null, from: new Date(now - 9000).toISOString(), to: new Date(now - 8000).toISOString(), source: '99digital' });
		expect(dana.title).toMatch(/^WhatsApp \d{4}-\d\d-\d\d \(2 messages\)$/);
		expect(dana.body.split('\n')).toEqual([
			expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d \+972502222222: Hi, is order #1042 on its way\?$/),
			expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d Business: Yes, it ships today$/),
		]);
		expect(posts.every((p) => p.path === '/api/contacts/notes')).toBe(true);
	});
});
