// The shared pagination engine under faults, against the local provider servers: exact request counts with
// one request in flight, bounded counts with the default concurrency, and the output always exactly the
// provider's history, newest first, each message once.
const { NodeApiError } = require('n8n-workflow');
const { startSimulator } = require('../simulators');
const { makeContext } = require('../helpers/context');
const { providers, BUSINESS, seed } = require('../helpers/providers');

const KEY = 'test-key-paging';

async function getAll(sim, name, options = {}, extra = {}) {
	const p = providers[name];
	const ctx = makeContext({
		nodeClass: p.nodeClass,
		parameters: { operation: 'getAll', businessNumber: BUSINESS, returnAll: true, filters: p.getAllFilters(extra.contact), ...extra.parameters, options: { requestsPerMinute: 100000, ...options } },
		credentials: { apiKey: KEY, baseUrl: sim.url },
	});
	const started = Date.now();
	const [out] = await ctx.run();
	return { ids: out.map((o) => o.json.id), ms: Date.now() - started };
}

describe.each([
	['twochat', 250, 3],
	['ninetyninedigital', 120, 3],
	['chirp', 250, 3],
])('%s: %i messages', (name, count, pages) => {
	const { listPath } = providers[name];
	let sim;
	let expected;
	beforeAll(async () => {
		sim = await startSimulator(name, { apiKey: KEY });
	});
	afterAll(() => sim.close());
	beforeEach(() => {
		sim.reset();
		expected = seed(sim, name, count).map((s) => s.id);
	});
	const calls = () => sim.requestsTo(listPath).length;

	test(`no faults, one request in flight: exactly ${pages} requests`, async () => {
		const { ids } = await getAll(sim, name, { maxConcurrentRequests: 1 });
		expect(ids).toEqual(expected);
		expect(calls()).toBe(pages);
	});

	test('default concurrency: same output, a bounded few requests past the end', async () => {
		const { ids } = await getAll(sim, name);
		expect(ids).toEqual(expected);
		expect(calls()).toBeGreaterThanOrEqual(pages);
		expect(calls()).toBeLessThanOrEqual(pages + 3);
	});

	test('429 with Retry-After: 1 is waited out and retried', async () => {
		sim.fault({ path: listPath, after: 1, times: 1, status: 429, headers: { 'Retry-After': '1' } });
		const { ids, ms } = await getAll(sim, name, { maxConcurrentRequests: 1 });
		expect(ids).toEqual(expected);
		expect(calls()).toBe(pages + 1);
		expect(ms).toBeGreaterThanOrEqual(950);
	});

	test('one 503, then success', async () => {
		sim.fault({ path: listPath, after: 1, times: 1, status: 503 });
		const { ids } = await getAll(sim, name, { maxConcurrentRequests: 1 });
		expect(ids).toEqual(expected);
		expect(calls()).toBe(pages + 1);
	});

	test('a dropped connection is retried', async () => {
		sim.fault({ path: listPath, after: 1, times: 1, destroy: true });
		const { ids } = await getAll(sim, name, { maxConcurrentRequests: 1 });
		expect(ids).toEqual(expected);
		expect(calls()).toBe(pages + 1);
	});

	test('a new message arriving between page 1 and page 2: no duplicate, nothing missed', async () => {
		sim.fault({
			path: listPath,
			after: 1,
			times: 1,
			onRequest: () => sim.add(sim.makeMessage({ id: undefined, timestamp: Date.now(), direction: 'inbound', business: BUSINESS, contact: '+972502222222', text: 'late arrival' })),
		});
		const { ids } = await getAll(sim, name, { maxConcurrentRequests: 1 });
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids.filter((id) => expected.includes(id))).toEqual(expected);
		expect(calls()).toBeLessThanOrEqual(pages + 1);
	});

	test('Max Retries is a bound: a provider that keeps failing gives a NodeApiError', async () => {
		sim.fault({ path: listPath, times: Infinity, status: 502 });
		const err = await getAll(sim, name, { maxConcurrentRequests: 1, maxRetries: 2 }).catch((e) => e);
		expect(err).toBeInstanceOf(NodeApiError);
		expect(err.httpCode).toBe('502');
		expect(calls()).toBe(3);
	});

	test('other 4xx fail at once with the provider message', async () => {
		sim.fault({ path: listPath, times: 1, status: 400, body: name === 'chirp' ? { error: { type: 'invalid_request_error', message: 'cursor is odd' } } : { success: false, message: 'cursor is odd', statusCode: 400 } });
		const err = await getAll(sim, name, { maxConcurrentRequests: 1 }).catch((e) => e);
		expect(err).toBeInstanceOf(NodeApiError);
		expect(err.httpCode).toBe('400');
		expect(err.description).toMatch(/cursor is odd/);
		expect(calls()).toBe(1);
	});

	test('a page that is not JSON: a clear NodeApiError, no crash', async () => {
		sim.fault({ path: listPath, after: 1, times: 1, status: 200, body: 'oops{' });
		const err = await getAll(sim, name, { maxConcurrentRequests: 1 }).catch((e) => e);
		expect(err).toBeInstanceOf(NodeApiError);
		expect(err.message).toMatch(/unexpected response/i);
		expect(err.description).toContain('oops{');
	});

	test('a slow page does not change the order, with requests in flight', async () => {
		sim.fault({ path: listPath, after: 1, times: 1, delayMs: 400 });
		const { ids } = await getAll(sim, name, { maxConcurrentRequests: 4 });
		expect(ids).toEqual(expected);
	});

	test('Limit 7: one request', async () => {
		const p = providers[name];
		const ctx = makeContext({ nodeClass: p.nodeClass, parameters: { operation: 'getAll', businessNumber: BUSINESS, returnAll: false, limit: 7 }, credentials: { apiKey: KEY, baseUrl: sim.url } });
		const [out] = await ctx.run();
		expect(out.map((o) => o.json.id)).toEqual(expected.slice(0, 7));
		expect(calls()).toBe(1);
	});
});

describe.each([['twochat'], ['ninetyninedigital']])('%s: page-numbered quirks', (name) => {
	const { listPath } = providers[name];
	let sim;
	beforeAll(async () => {
		sim = await startSimulator(name, { apiKey: KEY });
	});
	afterAll(() => sim.close());
	beforeEach(() => sim.reset());

	test('a page repeated forever: stops at the first page without new ids', async () => {
		const expected = seed(sim, name, 400).map((s) => s.id);
		const first = name === 'twochat' ? 0 : 1;
		const size = providers[name].pageSize;
		sim.fault({ path: listPath, after: 1, times: Infinity, repeatPage: first });
		const { ids } = await getAll(sim, name, { maxConcurrentRequests: 1 });
		expect(ids).toEqual(expected.slice(0, size));
		expect(sim.requestsTo(listPath)).toHaveLength(2);
	});

	test('pages start where the provider says (2Chat 0, 99digital 1) and an exact multiple ends on an empty page', async () => {
		const size = providers[name].pageSize;
		const expected = seed(sim, name, size * 2).map((s) => s.id);
		const { ids } = await getAll(sim, name, { maxConcurrentRequests: 1 });
		expect(ids).toEqual(expected);
		const pagesAsked = sim.requestsTo(listPath).map((r) => (name === 'twochat' ? Number(r.query.page_number ?? 0) : r.body.page));
		expect(pagesAsked).toEqual(name === 'twochat' ? [0, 1, 2] : [1, 2, 3]);
	});
});

test('chirp: a page size above the API maximum falls back to the API default size', async () => {
	const sim = await startSimulator('chirp', { apiKey: KEY });
	try {
		const expected = seed(sim, 'chirp', 60).map((s) => s.id);
		sim.fault({ path: '/v1/organization/whatsapp/messages', times: 1, status: 400, body: { error: { type: 'invalid_request_error', message: 'limit must be at most 50' } } });
		const { ids } = await getAll(sim, 'chirp', { maxConcurrentRequests: 1 });
		expect(ids).toEqual(expected);
		const asked = sim.requestsTo('/v1/organization/whatsapp/messages').map((r) => r.query.limit);
		expect(asked[0]).toBe('100');
		expect(asked.slice(1).every((l) => l === undefined)).toBe(true);
	} finally {
		await sim.close();
	}
});

describe('doubletick: date windows', () => {
	let sim;
	beforeAll(async () => {
		sim = await startSimulator('doubletick', { apiKey: KEY });
	});
	afterAll(() => sim.close());
	beforeEach(() => sim.reset());

	test('walks the requested range window by window, exact at the edges, each message once', async () => {
		const all = seed(sim, 'doubletick', 300, { stepMs: 3 * 3600_000 });
		const mine = all.filter((s) => s.contact === '+972502222222');
		const startDate = new Date(mine[80].ms).toISOString();
		const endDate = new Date(mine[3].ms).toISOString();
		const { ids } = await getAll(sim, 'doubletick', { maxConcurrentRequests: 1 }, { contact: '+972502222222', parameters: { filters: { contactNumber: '+972502222222', startDate, endDate } } });
		expect(ids).toEqual(mine.slice(3, 81).map((s) => s.id));
		const requests = sim.requestsTo('/chat-messages');
		const spanDays = (mine[3].ms - mine[80].ms) / 86400000;
		expect(requests.length).toBe(Math.ceil(spanDays / 7));
		for (const r of requests) expect(r.query.startDate).toMatch(/^\d\d-\d\d-\d{4}$/);
	});

	test('no dates: the last 30 days; a 429 inside is retried', async () => {
		const all = seed(sim, 'doubletick', 200, { stepMs: 6 * 3600_000 });
		sim.fault({ path: '/chat-messages', after: 2, times: 1, status: 429, headers: { 'Retry-After': '1' } });
		const { ids } = await getAll(sim, 'doubletick', { maxConcurrentRequests: 2 }, { contact: '+972503333333' });
		const cutoff = Date.now() - 30 * 86400000;
		expect(ids).toEqual(all.filter((s) => s.contact === '+972503333333' && s.ms >= cutoff).map((s) => s.id));
		expect(sim.requestsTo('/chat-messages')).toHaveLength(5 + 1);
	});
});

describe('twochat: the documented rate limit is respected up front', () => {
	test('past the default budget the account limit is read once from /open/info', async () => {
		const sim = await startSimulator('twochat', { apiKey: KEY });
		try {
			seed(sim, 'twochat', 3100, { stepMs: 60_000 });
			const ctx = makeContext({ nodeClass: providers.twochat.nodeClass, parameters: { operation: 'getAll', businessNumber: BUSINESS, returnAll: true, options: { maxConcurrentRequests: 1 } }, credentials: { apiKey: KEY, baseUrl: sim.url } });
			const started = Date.now();
			const [out] = await ctx.run();
			expect(out).toHaveLength(3100);
			expect(sim.requestsTo('/open/info')).toHaveLength(1);
			expect(sim.requestsTo('/open/whatsapp/messages')).toHaveLength(32);
			// 30 requests of burst, then 80 per minute (0.75 s apart) for the rest.
			expect(Date.now() - started).toBeGreaterThan(1200);
		} finally {
			await sim.close();
		}
	});
});

describe('provider replies that bend the docs', () => {
	test('2Chat: a page out of order still comes out newest first', async () => {
		const sim = await startSimulator('twochat', { apiKey: KEY });
		try {
			const raws = seed(sim, 'twochat', 3).map((s) => s.raw);
			sim.fault({ path: '/open/whatsapp/messages', times: 1, status: 200, body: { success: true, page_number: 0, messages: [raws[2], raws[0], raws[1]] } });
			const { ids } = await getAll(sim, 'twochat', { maxConcurrentRequests: 1 });
			expect(ids).toEqual(raws.map((r) => r.uuid));
		} finally {
			await sim.close();
		}
	});

	test('2Chat: "not found" told with HTTP 200 is still "Message not found" naming the id', async () => {
		const sim = await startSimulator('twochat', { apiKey: KEY });
		try {
			sim.fault({ path: '/open/whatsapp/message/', times: 1, status: 200, body: { success: false, message: 'Message not found' } });
			const ctx = makeContext({ nodeClass: providers.twochat.nodeClass, parameters: { operation: 'getMessage', messageId: 'MSG-gone', sessionKey: 'WW-WPNx-972502222222@c.us' }, credentials: { apiKey: KEY, baseUrl: sim.url } });
			const err = await ctx.run().catch((e) => e);
			expect(err).toBeInstanceOf(NodeApiError);
			expect(err.httpCode).toBe('404');
			expect(err.message).toMatch(/not found/i);
			expect(err.message).toContain('MSG-gone');
		} finally {
			await sim.close();
		}
	});

	test('Chirp: an error body of another shape still gives the provider\'s message', async () => {
		const sim = await startSimulator('chirp', { apiKey: KEY });
		try {
			sim.fault({ path: '/v1/organization/whatsapp/messages', times: 1, status: 403, body: { message: 'key lacks the messages:read scope' } });
			const err = await getAll(sim, 'chirp', { maxConcurrentRequests: 1 }).catch((e) => e);
			expect(err.httpCode).toBe('403');
			expect(err.description).toBe('key lacks the messages:read scope');
		} finally {
			await sim.close();
		}
	});
});

test('the credential is read once per run, also when the first requests start together', async () => {
	const sim = await startSimulator('twochat', { apiKey: KEY });
	try {
		seed(sim, 'twochat', 450);
		const p = providers.twochat;
		const { run, counts } = makeContext({
			nodeClass: p.nodeClass,
			parameters: { operation: 'getAll', businessNumber: BUSINESS, returnAll: true, options: { requestsPerMinute: 100000, maxConcurrentRequests: 4 } },
			credentials: { apiKey: KEY, baseUrl: sim.url },
		});
		const [out] = await run();
		expect(out).toHaveLength(450);
		expect(counts.credentialReads).toBe(1);
	} finally {
		await sim.close();
	}
});
