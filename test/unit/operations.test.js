// Every operation of every provider against its local server: success paths, the normalized shape, filters,
// bad input (rejected before any request) and provider errors.
const { NodeApiError, NodeOperationError } = require('n8n-workflow');
const { startSimulator } = require('../simulators');
const { makeContext } = require('../helpers/context');
const { providers, BUSINESS, CONTACTS, seed } = require('../helpers/providers');

const KEY = 'sk_admin_test-key-1234567890';
const FIELDS = ['id', 'provider', 'conversationId', 'direction', 'type', 'text', 'media', 'location', 'timestamp', 'businessNumber', 'contactNumber', 'contactName', 'senderName', 'status', 'error'].sort();

describe.each(Object.keys(providers))('%s', (name) => {
	const p = providers[name];
	let sim;
	let seeded;
	beforeAll(async () => {
		sim = await startSimulator(name, { apiKey: KEY });
	});
	afterAll(() => sim.close());
	beforeEach(() => {
		sim.reset();
		seeded = seed(sim, name, 130, { mediaEvery: 10 });
	});

	const run = async (parameters, more = {}) => {
		const ctx = makeContext({ nodeClass: p.nodeClass, parameters: { businessNumber: '972 50-123-4567', ...parameters }, credentials: { apiKey: KEY, baseUrl: sim.url }, ...more });
		const [out] = await ctx.run();
		return out;
	};
	const listRequests = () => sim.requestsTo(p.listPath).length;

	test('Get Conversation: that contact only, newest first, each once, normalized', async () => {
		const out = await run({ operation: 'getConversation', contactNumber: '00972-50-222-2222', returnAll: true });
		const expected = seeded.filter((s) => s.contact === CONTACTS[0]);
		expect(out.map((o) => o.json.id)).toEqual(expected.map((s) => s.id));
		for (const [i, { json }] of out.entries()) {
			expect(Object.keys(json).sort()).toEqual(FIELDS);
			expect(json.provider).toBe(p.provider);
			expect(json.contactNumber).toBe(CONTACTS[0]);
			expect(json.businessNumber).toBe(BUSINESS);
			expect(json.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
			expect(Math.abs(Date.parse(json.timestamp) - expected[i].ms)).toBeLessThan(1000);
			expect(json.direction).toBe(expected[i].inbound ? 'inbound' : 'outbound');
			if (json.direction === 'inbound') expect(json.status).toBe('received');
			expect(out[i].pairedItem).toEqual({ item: 0 });
		}
		expect(out.some((o) => ['image', 'document'].includes(o.json.type) && o.json.media && o.json.media.url)).toBe(true);
		expect(out.some((o) => o.json.type === 'text' && /^message \d+$/.test(o.json.text))).toBe(true);
	});

	test('Get Conversation: limit', async () => {
		const out = await run({ operation: 'getConversation', contactNumber: CONTACTS[1], returnAll: false, limit: 7 });
		expect(out.map((o) => o.json.id)).toEqual(seeded.filter((s) => s.contact === CONTACTS[1]).slice(0, 7).map((s) => s.id));
	});

	test('Get Conversation: inclusive date range and direction', async () => {
		const mine = seeded.filter((s) => s.contact === CONTACTS[2]);
		const from = mine[20].ms;
		const to = mine[5].ms;
		const out = await run({
			operation: 'getConversation',
			contactNumber: CONTACTS[2],
			returnAll: true,
			filters: { startDate: new Date(from).toISOString(), endDate: new Date(to).toISOString(), direction: 'inbound' },
		});
		const expected = mine.filter((s) => s.ms >= from && s.ms <= to && s.inbound);
		expect(expected.length).toBeGreaterThan(3);
		expect(out.map((o) => o.json.id)).toEqual(expected.map((s) => s.id));
	});

	test('Get All (paginate): every message, newest first, no duplicates', async () => {
		const contact = p.getAllFilters(CONTACTS[0]).contactNumber;
		const out = await run({ operation: 'getAll', returnAll: true, filters: p.getAllFilters(CONTACTS[0]) });
		const expected = seeded.filter((s) => !contact || s.contact === contact);
		expect(out.map((o) => o.json.id)).toEqual(expected.map((s) => s.id));
		expect(new Set(out.map((o) => o.json.id)).size).toBe(out.length);
	});

	test('Get All: limit stops early', async () => {
		const out = await run({ operation: 'getAll', returnAll: false, limit: 3, filters: p.getAllFilters(CONTACTS[0]) });
		expect(out).toHaveLength(3);
		if (p.pageSize) expect(listRequests()).toBe(1);
	});

	test('Get Message: by id', async () => {
		const all = await run({ operation: 'getConversation', contactNumber: CONTACTS[1], returnAll: true });
		const target = all[9].json;
		sim.clearRequests();
		const out = await run({ operation: 'getMessage', ...p.lookup(target), options: { includeRaw: true } });
		expect(out).toHaveLength(1);
		const { raw, ...json } = out[0].json;
		expect(raw).toBeDefined();
		expect(json.id).toBe(target.id);
		expect(json.text).toBe(target.text);
		expect(json.timestamp.slice(0, 19)).toBe(target.timestamp.slice(0, 19));
		expect(json.contactNumber).toBe(target.contactNumber);
		expect(json.direction).toBe(target.direction);
	});

	test('Get Message: unknown id → NodeApiError "not found" naming the id', async () => {
		const lookup = p.lookup({ id: 'nope-123', conversationId: 'WW-WPNx-972502222222@c.us', contactNumber: CONTACTS[0] });
		const err = await run({ operation: 'getMessage', ...lookup }).catch((e) => e);
		expect(err).toBeInstanceOf(NodeApiError);
		expect(err.message).toMatch(/not found/i);
		expect(err.message).toContain('nope-123');
		expect(err.httpCode).toBe('404');
	});

	test('wrong API key → NodeApiError 401 that says so and never shows a key', async () => {
		const ctx = makeContext({ nodeClass: p.nodeClass, parameters: { operation: 'getConversation', businessNumber: BUSINESS, contactNumber: CONTACTS[0] }, credentials: { apiKey: 'wrong-key-XYZ', baseUrl: sim.url } });
		const err = await ctx.run().catch((e) => e);
		expect(err).toBeInstanceOf(NodeApiError);
		expect(err.httpCode).toBe('401');
		expect(err.message).toMatch(/API key/i);
		const shown = JSON.stringify({ m: err.message, d: err.description, c: err.cause, ctx: err.context });
		expect(shown).not.toContain('wrong-key-XYZ');
		expect(shown).not.toContain(KEY);
	});

	test.each([
		[{ operation: 'getConversation', contactNumber: '050-123-4567' }, /contactNumber/],
		[{ operation: 'getConversation', contactNumber: CONTACTS[0], businessNumber: 'not a number' }, /businessNumber/],
		[{ operation: 'getConversation', contactNumber: CONTACTS[0], returnAll: false, limit: 0 }, /limit/],
		[{ operation: 'getConversation', contactNumber: CONTACTS[0], filters: { startDate: '2024-05-02T00:00:00Z', endDate: '2024-05-01T00:00:00Z' } }, /endDate/],
		[{ operation: 'getConversation', contactNumber: CONTACTS[0], filters: { startDate: 'yesterday-ish' } }, /startDate/],
		[{ operation: 'getMessage', messageId: '  ', sessionKey: 'x', contactNumber: CONTACTS[0] }, /messageId/],
	])('bad input %j → NodeOperationError before any request', async (parameters, pattern) => {
		sim.clearRequests();
		const err = await run(parameters).catch((e) => e);
		expect(err).toBeInstanceOf(NodeOperationError);
		expect(err.message).toMatch(pattern);
		expect(sim.requests).toHaveLength(0);
	});

	test('Continue On Fail: the failing item yields {error} with its pairedItem, the others run', async () => {
		const ctx = makeContext({
			nodeClass: p.nodeClass,
			parameters: {},
			paramsPerItem: [
				{ operation: 'getConversation', businessNumber: BUSINESS, contactNumber: 'garbage', returnAll: false, limit: 2 },
				{ operation: 'getConversation', businessNumber: BUSINESS, contactNumber: CONTACTS[0], returnAll: false, limit: 2 },
			],
			items: [{ json: {} }, { json: {} }],
			continueOnFail: true,
			credentials: { apiKey: KEY, baseUrl: sim.url },
		});
		const [out] = await ctx.run();
		expect(out).toHaveLength(3);
		expect(out[0]).toEqual({ json: { error: expect.stringMatching(/contactNumber/) }, pairedItem: { item: 0 } });
		expect(out.slice(1).map((o) => o.pairedItem)).toEqual([{ item: 1 }, { item: 1 }]);
	});

	test('every item is validated before the first request: a bad second item stops the run with nothing sent', async () => {
		sim.clearRequests();
		const ctx = makeContext({
			nodeClass: p.nodeClass,
			parameters: {},
			paramsPerItem: [
				{ operation: 'getConversation', businessNumber: BUSINESS, contactNumber: CONTACTS[0], returnAll: false, limit: 2 },
				{ operation: 'getConversation', businessNumber: BUSINESS, contactNumber: '0501234567', returnAll: false, limit: 2 },
			],
			items: [{ json: {} }, { json: {} }],
			credentials: { apiKey: KEY, baseUrl: sim.url },
		});
		const err = await ctx.run().catch((e) => e);
		expect(err).toBeInstanceOf(NodeOperationError);
		expect(err.message).toMatch(/contactNumber/);
		expect(sim.requests).toHaveLength(0);
	});

	test('Download Media: the file as binary data with its MIME type', async () => {
		const ctx = makeContext({
			nodeClass: p.nodeClass,
			parameters: { operation: 'getConversation', businessNumber: BUSINESS, contactNumber: CONTACTS[0], returnAll: true, options: { downloadMedia: true, binaryPropertyName: 'file' } },
			credentials: { apiKey: KEY, baseUrl: sim.url },
		});
		const [out] = await ctx.run();
		const withMedia = out.filter((o) => o.json.media);
		expect(withMedia.length).toBeGreaterThan(0);
		for (const item of withMedia) {
			expect(item.json.media.error).toBeUndefined();
			expect(item.binary.file.mimeType).toBe('image/png');
			expect(item.binary.file.bytes).toBe(sim.media.get('/media/image.png').body.length);
		}
		const mediaRequests = sim.requestsTo('/media/');
		expect(mediaRequests.length).toBe(withMedia.length);
	});
});
