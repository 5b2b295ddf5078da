// The built package inside a real n8n: every operation of every provider, credential tests, errors and
// Continue On Fail, run through n8n's REST API (like the editor's "Execute workflow") and its CLI, against the
// local provider servers.
const path = require('path');
const { startN8n, n8nBin, importCli, executeWorkflowCli } = require('./harness');
const { manualWorkflow } = require('./workflow');
const { startSimulator } = require('../simulators');
const { BUSINESS, CONTACTS, seed } = require('../helpers/providers');

const PKG = path.resolve(__dirname, '../..');
const KEY = 'sk_admin_e2e-key-0123456789';
const TYPE = (name) => `n8n-nodes-whatsapp-history.${name}`;

const PROVIDERS = [
	{ sim: 'doubletick', node: 'doubleTick', cred: 'doubleTickApi', provider: 'doubletick', lookup: (m) => ({ messageId: m.id, businessNumber: BUSINESS, contactNumber: m.contactNumber }), getAllFilters: { contactNumber: CONTACTS[0] } },
	{ sim: 'twochat', node: 'twoChat', cred: 'twoChatApi', provider: '2chat', lookup: (m) => ({ messageId: m.id, sessionKey: m.conversationId }), getAllFilters: {} },
	{ sim: 'chirp', node: 'chirp', cred: 'chirpApi', provider: 'chirp', lookup: (m) => ({ messageId: m.id }), getAllFilters: {} },
	{ sim: 'ninetyninedigital', node: 'ninetyNineDigital', cred: 'ninetyNineDigitalApi', provider: '99digital', lookup: (m) => ({ messageId: m.id, businessNumber: BUSINESS }), getAllFilters: {} },
];

let n8n;
const sims = {};
const creds = {};
const seeded = {};

beforeAll(async () => {
	for (const p of PROVIDERS) {
		sims[p.sim] = await startSimulator(p.sim, { apiKey: KEY });
		seeded[p.sim] = seed(sims[p.sim], p.sim, 240, { mediaEvery: 25 });
	}
	n8n = await startN8n({ pkgDir: PKG, bin: n8nBin() });
	for (const p of PROVIDERS) {
		creds[p.sim] = await n8n.createCredential({ name: `${p.sim} local`, type: p.cred, data: { apiKey: KEY, baseUrl: sims[p.sim].url } });
	}
}, 300000);

afterAll(async () => {
	if (n8n) await n8n.stop();
	for (const s of Object.values(sims)) await s.close();
});

async function run(p, parameters, nodeExtra = {}) {
	const wf = manualWorkflow({
		name: `${p.node} ${parameters.operation}`,
		node: { name: 'WhatsApp', type: TYPE(p.node), parameters, credentials: { [p.cred]: creds[p.sim] }, ...nodeExtra },
	});
	const { execution } = await n8n.runManual(wf);
	return { execution, items: n8n.nodeOutput(execution, 'WhatsApp'), error: n8n.nodeError(execution, 'WhatsApp') };
}

describe.each(PROVIDERS)('$node in n8n', (p) => {
	test('credential test: right key passes, wrong key fails with the clear message', async () => {
		const good = await n8n.testCredential({ ...creds[p.sim], data: { apiKey: KEY, baseUrl: sims[p.sim].url } });
		expect(good).toEqual(expect.objectContaining({ status: 'OK' }));
		const bad = await n8n.testCredential({ ...creds[p.sim], data: { apiKey: 'wrong-key', baseUrl: sims[p.sim].url } });
		expect(bad.status).toBe('Error');
		expect(bad.message).toMatch(/rejected|refused/i);
		expect(bad.message).not.toContain('wrong-key');
	});

	test('Get Conversation: the contact\'s messages, newest first, normalized', async () => {
		const { items, error } = await run(p, { operation: 'getConversation', businessNumber: '972-50-123-4567', contactNumber: '+972 50 222 2222', returnAll: true });
		expect(error).toBeUndefined();
		const expected = seeded[p.sim].filter((s) => s.contact === CONTACTS[0]);
		expect(items.map((i) => i.id)).toEqual(expected.map((s) => s.id));
		for (const it of items) {
			expect(it).toEqual(
				expect.objectContaining({
					provider: p.provider,
					businessNumber: BUSINESS,
					contactNumber: CONTACTS[0],
					direction: expect.stringMatching(/^(inbound|outbound)$/),
					timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
				}),
			);
			expect(it.raw).toBeUndefined();
		}
	});

	test('Get All (paginate) with a limit, then Return All', async () => {
		const limited = await run(p, { operation: 'getAll', businessNumber: BUSINESS, returnAll: false, limit: 7, filters: p.getAllFilters });
		const all = seeded[p.sim].filter((s) => !p.getAllFilters.contactNumber || s.contact === p.getAllFilters.contactNumber);
		expect(limited.items.map((i) => i.id)).toEqual(all.slice(0, 7).map((s) => s.id));
		const full = await run(p, { operation: 'getAll', businessNumber: BUSINESS, returnAll: true, filters: p.getAllFilters });
		expect(full.items.map((i) => i.id)).toEqual(all.map((s) => s.id));
	});

	test('Get Message by id, with raw data and the media file as binary', async () => {
		const { items: conv } = await run(p, { operation: 'getConversation', businessNumber: BUSINESS, contactNumber: CONTACTS[0], returnAll: true });
		const target = conv.find((m) => m.media && m.media.url) || conv[0];
		const { items, error } = await run(p, { operation: 'getMessage', ...p.lookup(target), options: { includeRaw: true, downloadMedia: true } });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		expect(items[0].id).toBe(target.id);
		expect(items[0].raw).toBeDefined();
		if (target.media && target.media.url) {
			const bin = items[0].$binary.data;
			expect(bin.mimeType).toBe('image/png');
			expect(Number(bin.fileSize) || bin.fileSize).toBeTruthy();
		}
	});

	test('errors: unknown id is "not found"; bad input names the parameter; Continue On Fail yields {error}', async () => {
		const missing = await run(p, { operation: 'getMessage', ...p.lookup({ id: 'no-such-id', conversationId: `WW-WPNx-${CONTACTS[0].slice(1)}@c.us`, contactNumber: CONTACTS[0] }) });
		expect(missing.error.message).toMatch(/not found/i);
		expect(missing.error.message).toContain('no-such-id');
		expect(String(missing.error.httpCode)).toBe('404');

		sims[p.sim].clearRequests();
		const bad = await run(p, { operation: 'getConversation', businessNumber: BUSINESS, contactNumber: '050-123-4567' });
		expect(bad.error.message).toMatch(/contactNumber/);
		expect(sims[p.sim].requests).toHaveLength(0);

		const cof = await run(p, { operation: 'getConversation', businessNumber: BUSINESS, contactNumber: 'nonsense' }, { onError: 'continueRegularOutput' });
		expect(cof.error).toBeUndefined();
		expect(cof.items).toEqual([{ error: expect.stringMatching(/contactNumber/) }]);
	});

	test('List Conversations: one item per contact, newest activity first; Awaiting Reply keeps those whose last message is theirs', async () => {
		const base = { operation: 'listConversations', businessNumber: BUSINESS, returnAll: true, ...(p.node === 'doubleTick' ? { contactNumbers: CONTACTS.join(', ') } : {}) };
		const { items, error } = await run(p, base);
		expect(error).toBeUndefined();
		// The seeded messages are 10 minutes apart, newest first, contacts in turn: each contact's newest is its first.
		const newest = CONTACTS.map((c) => seeded[p.sim].find((s) => s.contact === c)).sort((a, b) => b.ms - a.ms);
		expect(items.map((c) => [c.contactNumber, c.lastMessage.id, c.awaitingReply, c.messageCount])).toEqual(
			newest.map((s) => [s.contact, s.id, s.inbound, seeded[p.sim].filter((x) => x.contact === s.contact).length]),
		);
		const waiting = await run(p, { ...base, returnAll: false, limit: 5, filters: { awaitingReply: true } });
		expect(waiting.items.map((c) => c.contactNumber)).toEqual(newest.filter((s) => s.inbound).map((s) => s.contact));
	});

	test('a rejected key is a NodeApiError saying so, and the key is nowhere in the execution', async () => {
		const wrong = await n8n.createCredential({ name: `${p.sim} wrong`, type: p.cred, data: { apiKey: 'wrong-secret-999', baseUrl: sims[p.sim].url } });
		const wf = manualWorkflow({ node: { name: 'WhatsApp', type: TYPE(p.node), parameters: { operation: 'getConversation', businessNumber: BUSINESS, contactNumber: CONTACTS[0] }, credentials: { [p.cred]: wrong } } });
		const { execution } = await n8n.runManual(wf);
		const error = n8n.nodeError(execution, 'WhatsApp');
		expect(String(error.httpCode)).toBe('401');
		expect(error.message).toMatch(/API key/i);
		expect(JSON.stringify(execution)).not.toContain('wrong-secret-999');
	});
});

test('CLI: import:workflow + execute runs the node headless', async () => {
	const p = PROVIDERS[1];
	const wf = manualWorkflow({ id: 'waHistoryCli0001', name: 'cli run', node: { name: 'WhatsApp', type: TYPE(p.node), parameters: { operation: 'getAll', businessNumber: BUSINESS, returnAll: true }, credentials: { [p.cred]: creds[p.sim] } } });
	await importCli(n8nBin(), n8n.userFolder, 'workflow', wf);
	const runData = await executeWorkflowCli(n8nBin(), n8n.userFolder, 'waHistoryCli0001');
	const items = n8n.nodeOutput(runData, 'WhatsApp');
	expect(items.map((i) => i.id)).toEqual(seeded.twochat.map((s) => s.id));
});
