// The hostile side (issue 11): redirects to another origin, replies that echo the request (error bodies, HTML
// pages, 2xx bodies), bodies that trickle, ids that would move the request elsewhere, a 429 in the middle of
// parallel lanes, and several input items in one execution. Every provider, through the built nodes.
const http = require('http');
const { startSimulator } = require('../simulators');
const { startHostile } = require('../simulators/hostile');
const { makeContext } = require('../helpers/context');
const { providers, BUSINESS, CONTACTS, seed } = require('../helpers/providers');

const KEY = 'hostile-Secret/KEY+9f3a&x';
const CONTACT = CONTACTS[0];

/** Every form the key could take on the wire or in text. */
const FORMS = [KEY, encodeURIComponent(KEY), JSON.stringify(KEY).slice(1, -1)];
const hasKey = (value) => {
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	return FORMS.some((f) => text.includes(f));
};

function context(p, h, parameters = {}, extra = {}) {
	return makeContext({
		nodeClass: p.nodeClass,
		parameters: { operation: 'getConversation', businessNumber: BUSINESS, contactNumber: CONTACT, returnAll: true, ...parameters },
		credentials: { apiKey: KEY, baseUrl: h.url },
		...extra,
	});
}

/** The run's error, with everything it would show or save. */
async function failure(promise) {
	try {
		await promise;
	} catch (error) {
		return { error, text: [error.message, error.description, error.stack, JSON.stringify(error)].join('\n') };
	}
	throw new Error('the run did not fail');
}

describe.each(Object.keys(providers))('%s against a hostile network', (name) => {
	const p = providers[name];
	let sim;
	let h;
	beforeAll(async () => {
		sim = await startSimulator(name, { apiKey: KEY });
		h = await startHostile({ upstream: sim.url });
	});
	afterAll(async () => {
		await h.close();
		await sim.close();
	});
	beforeEach(() => {
		sim.reset();
		h.reset();
		seed(sim, name, 6, { stepMs: 3600_000 });
	});

	test.each([301, 302, 303, 307, 308])('a %i to another origin: not followed, the error names the host, the key never gets there', async (status) => {
		h.set({ redirect: status, to: 'other' });
		const { error, text } = await failure(context(p, h).run());
		expect(error.constructor.name).toBe('NodeApiError');
		expect(error.message).toContain(new URL(h.otherUrl).host);
		expect(hasKey(text)).toBe(false);
		expect(h.other).toHaveLength(0);
		for (const r of h.other) expect(hasKey(r)).toBe(false);
	});

	test('a 307 within the provider origin is followed, with the key, to the right data', async () => {
		const [plain] = await context(p, h).run();
		h.reset();
		h.set({ redirect: 307, to: 'same' });
		const [out] = await context(p, h).run();
		expect(out.map((i) => i.json.id)).toEqual(plain.map((i) => i.json.id));
		expect(out.length).toBeGreaterThan(0);
		expect(h.front.some((r) => r.url.startsWith('/__moved/'))).toBe(true);
	});

	test.each(['json', 'html'])('an error reply (%s) that echoes the request: the key is in no part of the error', async (echo) => {
		h.set({ echo, status: echo === 'json' ? 400 : 502 });
		const { error, text } = await failure(context(p, h, { options: { maxRetries: 0 } }).run());
		expect(error.constructor.name).toBe('NodeApiError');
		expect(hasKey(text)).toBe(false);
		// The echo did reach the error: scrubbed, not dropped.
		expect(text).toContain('[redacted]');
	});

	test('continue on fail: the failed item carries no key either', async () => {
		h.set({ echo: 'json' });
		const [out] = await context(p, h, { options: { maxRetries: 0 } }, { continueOnFail: true }).run();
		expect(out).toHaveLength(1);
		expect(out[0].json.error).toBeTruthy();
		expect(hasKey(out)).toBe(false);
	});

	test('a 2xx reply that echoes the key: scrubbed from raw and from mapped fields', async () => {
		sim.add(sim.makeMessage({ timestamp: Date.now() - 1000, direction: 'inbound', business: BUSINESS, contact: CONTACT, type: 'text', text: `my key is ${KEY}` }));
		h.set({ echo: 'ok' });
		const [out] = await context(p, h, { options: { includeRaw: true } }).run();
		expect(out.length).toBeGreaterThan(1);
		expect(hasKey(out)).toBe(false);
		expect(JSON.stringify(out)).toContain('[redacted]');
		expect(out.some((i) => i.json.text === 'my key is [redacted]')).toBe(true);
	});

	test('a body that trickles a byte a second fails within the deadline', async () => {
		h.set({ trickle: true });
		const started = Date.now();
		const { error, text } = await failure(context(p, h, { options: { timeout: 1.5, maxRetries: 0 } }).run());
		const took = Date.now() - started;
		expect(error.message).toBe('The provider did not answer within 1.5 seconds');
		expect(took).toBeGreaterThanOrEqual(1400);
		expect(took).toBeLessThan(1500 + 1000);
		expect(hasKey(text)).toBe(false);
	});

	test('a provider that never answers: each try ends at the deadline, retried within Max Retries', async () => {
		h.set({ stall: true });
		const { error } = await failure(context(p, h, { options: { timeout: 0.5, maxRetries: 1, maxConcurrentRequests: 1 } }).run());
		// The deadline's words whichever timer fired first (on a busy machine the socket's own timer may).
		expect(error.message).toBe('The provider did not answer within 0.5 seconds');
		expect(error.description).toContain('after 2 tries');
		const tries = h.front.filter((r) => !r.url.startsWith('/open/info'));
		expect(tries).toHaveLength(2);
		// Each try was given its whole deadline before the next one started.
		expect(tries[1].at - tries[0].at).toBeGreaterThanOrEqual(500);
	});

	test('a media link on the provider host that redirects elsewhere: fetched there without the key', async () => {
		const url = `${h.url}/media/pic.png`;
		sim.add(sim.makeMessage({ timestamp: Date.now() - 1000, direction: 'inbound', business: BUSINESS, contact: CONTACT, type: 'image', mediaUrl: url, mimeType: 'image/png' }));
		h.set({ redirect: 302, to: 'other', only: '/media' });
		const [out] = await context(p, h, { options: { downloadMedia: true } }).run();
		const item = out.find((i) => i.json.media && i.json.media.url === url);
		expect(item.binary.data.bytes).toBe(Buffer.from('PNG-from-other-origin').length);
		expect(h.other.filter((r) => r.url.startsWith('/media'))).toHaveLength(1);
		for (const r of h.other) expect(hasKey(r)).toBe(false);
		// The provider's own host did get the key for the first hop (99digital sends it only in JSON bodies, a GET has none).
		const first = h.front.find((r) => r.url.startsWith('/media'));
		expect(hasKey(first)).toBe(name !== 'ninetyninedigital');
	});

	test('a media file that trickles: the item says so after the deadline, the run goes on', async () => {
		const url = `${h.url}/media/slow.png`;
		sim.add(sim.makeMessage({ timestamp: Date.now() - 1000, direction: 'inbound', business: BUSINESS, contact: CONTACT, type: 'image', mediaUrl: url, mimeType: 'image/png' }));
		h.set({ trickle: true, only: '/media' });
		const started = Date.now();
		const [out] = await context(p, h, { options: { downloadMedia: true, timeout: 1 } }).run();
		expect(Date.now() - started).toBeLessThan(1000 + 1500);
		const item = out.find((i) => i.json.media && i.json.media.url === url);
		expect(item.binary).toBeUndefined();
		expect(item.json.media.error).toBe('Download failed: the file did not arrive within 1 second');
	});

	test('three input items: the credential is read once', async () => {
		const ctx = context(p, h, {}, { items: [{ json: {} }, { json: {} }, { json: {} }] });
		const [out] = await ctx.run();
		expect(out.length).toBeGreaterThan(0);
		expect(ctx.counts.credentialReads).toBe(1);
	});

	test('a trigger poll whose reply echoes the key logs no key', async () => {
		const staticData = {};
		const trigger = () =>
			makeContext({
				nodeClass: p.triggerClass,
				parameters: { businessNumber: BUSINESS, contactNumbers: CONTACT, event: 'any', options: { maxRetries: 0 } },
				credentials: { apiKey: KEY, baseUrl: h.url },
				staticData,
			});
		await trigger().run(); // first activation: stores the starting point
		h.set({ echo: 'json' });
		const ctx = trigger();
		expect(await ctx.run()).toBeNull();
		expect(ctx.logs.length).toBeGreaterThan(0);
		expect(hasKey(ctx.logs)).toBe(false);
	});
});

describe('ids that would move the request: paths stay on the documented endpoint', () => {
	const cases = [
		['chirp', (id) => ({ messageId: id }), (id) => `/v1/organization/whatsapp/messages/${id}`],
		['twochat', (id) => ({ messageId: id, sessionKey: 'WW-key@c.us' }), (id) => `/open/whatsapp/message/WW-key@c.us/${id}`],
		['twochat', (id) => ({ messageId: 'MSG-1', sessionKey: id }), (id) => `/open/whatsapp/message/${id}/MSG-1`],
	];
	let sims = {};
	beforeAll(async () => {
		for (const name of ['chirp', 'twochat']) sims[name] = await startSimulator(name, { apiKey: KEY });
	});
	afterAll(async () => Promise.all(Object.values(sims).map((s) => s.close())));

	test.each(cases)('%s: ".", ".." are refused before any request, naming the field', async (name, params) => {
		const sim = sims[name];
		for (const id of ['.', '..']) {
			sim.reset();
			const field = params(id).sessionKey === id ? 'Session Key' : 'Message ID';
			const ctx = makeContext({ nodeClass: providers[name].nodeClass, parameters: { operation: 'getMessage', ...params(id) }, credentials: { apiKey: KEY, baseUrl: sim.url } });
			const { error } = await failure(ctx.run());
			expect(error.constructor.name).toBe('NodeOperationError');
			expect(error.message).toContain(field);
			expect(sim.requests).toHaveLength(0);
		}
	});

	test.each(cases)('%s: "a/b", "%2e%2e", "a?b#c" are sent as one encoded segment, exactly', async (name, params, path) => {
		const sim = sims[name];
		for (const [id, encoded] of [
			['a/b', 'a%2Fb'],
			['%2e%2e', '%252e%252e'],
			['a?b#c', 'a%3Fb%23c'],
			['../info', '..%2Finfo'],
		]) {
			sim.reset();
			const ctx = makeContext({ nodeClass: providers[name].nodeClass, parameters: { operation: 'getMessage', ...params(id) }, credentials: { apiKey: KEY, baseUrl: sim.url } });
			await ctx.run().catch(() => undefined); // not found is fine: where the request went is the point
			expect(sim.requests.map((r) => r.path)).toEqual([path(encoded)]);
		}
	});
});

describe('a 429 pauses the whole run', () => {
	// Four lanes of one run, each sending requests one after another (as the engine's parallel page requests and
	// media downloads do). The paging engine itself holds pages back behind a throttled one, so the lanes are
	// driven here directly, on the transport every node uses.
	const { ApiClient } = require('../../dist/nodes/shared/transport/http');
	const { RequestBudget } = require('../../dist/nodes/shared/transport/budget');
	const { ninetyNineDigitalAdapter } = require('../../dist/nodes/NinetyNineDigital/adapter');

	test('after a 429 with Retry-After: 2 no lane starts a request before that time; requests on the wire finish', async () => {
		// A server that answers every request after 150 ms, and the fourth with a 429 (Retry-After: 2) a little
		// later, so the other lanes are between two requests when the 429 arrives; it notes when it sent the 429.
		const arrivals = [];
		let answeredAt;
		const server = http.createServer((req, res) => {
			const n = arrivals.push(Date.now());
			req.resume();
			req.on('end', () =>
				setTimeout(() => {
					if (n !== 4) return res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
					res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '2' }).end('{"error":"slow down"}');
					answeredAt = Date.now();
				}, n === 4 ? 160 : 150),
			);
		});
		await new Promise((r) => server.listen(0, '127.0.0.1', r));
		try {
			const baseUrl = `http://127.0.0.1:${server.address().port}`;
			const { ctx } = makeContext({ nodeClass: providers.ninetyninedigital.nodeClass, parameters: {}, credentials: { apiKey: KEY, baseUrl } });
			const shared = new RequestBudget(0);
			const lanes = [0, 1, 2, 3].map(async () => {
				const api = new ApiClient(ctx, ninetyNineDigitalAdapter.transport, shared, { maxRetries: 3, maxWaitMs: 300_000, timeoutMs: 10_000 });
				for (let i = 0; i < 5; i++) await api.request({ method: 'POST', path: '/whatsapp/v2/getHistory', body: { from: '972501234567', page: 1 } });
			});
			await Promise.all(lanes);
			expect(arrivals).toHaveLength(4 * 5 + 1);
			// Requests the node sent before it read the 429 may still arrive just after it was sent; none later.
			const during = arrivals.filter((at) => at > answeredAt + 60 && at < answeredAt + 2000);
			expect(during.map((at) => at - answeredAt)).toEqual([]);
			expect(arrivals.filter((at) => at >= answeredAt + 2000).length).toBeGreaterThan(0);
		} finally {
			server.closeAllConnections();
			await new Promise((r) => server.close(r));
		}
	});
});

describe('once per execution means once', () => {
	test('2Chat, 3 input items past the trial budget: /open/info is called once, the credential read once', async () => {
		const sim = await startSimulator('twochat', { apiKey: KEY });
		try {
			// The plan allows 150 a minute (as /open/info says): the trial's 30 run out in the second item, and the third
			// starts with the budget still low, where a per-item lookup would ask again.
			sim.rateLimit({ perMinute: 150 });
			seed(sim, 'twochat', 1500, { stepMs: 60_000 });
			const ctx = makeContext({
				nodeClass: providers.twochat.nodeClass,
				parameters: { operation: 'getAll', businessNumber: BUSINESS, returnAll: true, options: { maxConcurrentRequests: 4 } },
				credentials: { apiKey: KEY, baseUrl: sim.url },
				items: [{ json: {} }, { json: {} }, { json: {} }],
			});
			const [out] = await ctx.run();
			expect(out).toHaveLength(3 * 1500);
			expect(sim.requestsTo('/open/info')).toHaveLength(1);
			expect(ctx.counts.credentialReads).toBe(1);
		} finally {
			await sim.close();
		}
	});
});
