// The pagination engine alone, with a scripted provider: concurrency limits and the 429 halving.
const { paginate } = require('../../dist/nodes/shared/history/paginate');

function fakeProvider({ pages, size, throttleAt = -1, latencyMs = 5 }) {
	const state = { inFlight: 0, maxInFlight: [], calls: [], startedAt: [] };
	const adapter = {
		id: '2chat',
		displayName: 'Fake',
		pageStyle: { kind: 'pages', first: 0, size },
		serverFilters: ['business', 'contact'],
		required: { getConversation: [], getMessage: [], getAll: [] },
		async listPage(api, query, ref) {
			state.calls.push(ref.page);
			state.startedAt.push(Date.now());
			state.inFlight++;
			state.maxInFlight.push(state.inFlight);
			if (ref.page === throttleAt) api.onThrottle(); // what the transport does on a 429
			await new Promise((r) => setTimeout(r, latencyMs));
			state.inFlight--;
			const items = ref.page < pages ? Array.from({ length: size }, (_, i) => ({ id: `m${ref.page * size + i}`, t: 1e12 - (ref.page * size + i) * 1000 })) : [];
			return { items };
		},
		toMessage: (raw) => ({ id: raw.id, timestamp: new Date(raw.t).toISOString(), contactNumber: '+1', direction: 'inbound' }),
	};
	return { adapter, state };
}

async function collect(adapter, options) {
	const out = [];
	for await (const m of paginate({}, adapter, {}, { includeRaw: false, ...options })) out.push(m.id);
	return out;
}

test('keeps up to K requests in flight, output in order', async () => {
	const { adapter, state } = fakeProvider({ pages: 20, size: 10 });
	const ids = await collect(adapter, { concurrency: 4 });
	expect(ids).toEqual(Array.from({ length: 200 }, (_, i) => `m${i}`));
	expect(Math.max(...state.maxInFlight)).toBe(4);
	expect(state.calls.length).toBeLessThanOrEqual(21 + 3);
});

test('a 429 halves the concurrency for the rest of the run', async () => {
	const { adapter, state } = fakeProvider({ pages: 30, size: 10, throttleAt: 2 });
	const ids = await collect(adapter, { concurrency: 4 });
	expect(ids).toHaveLength(300);
	const after = state.maxInFlight.slice(state.calls.indexOf(2) + 4);
	expect(Math.max(...after)).toBeLessThanOrEqual(2);
});

test('with a limit, no request beyond what the limit needs', async () => {
	const { adapter, state } = fakeProvider({ pages: 20, size: 10 });
	expect(await collect(adapter, { concurrency: 4, limit: 25 })).toHaveLength(25);
	expect(state.calls).toEqual([0, 1, 2]);
});

test('once a round trip after the first round is known, requests are spaced instead of sent in bursts, still K in flight', async () => {
	// 60 ms per page, 4 in flight: spaced by about 60 × 0.85 ÷ 4 ≈ 13 ms from the third round on (the first round's
	// round trips, taken while n8n warms up, are not used). Sent in bursts, requests would start in groups of 4
	// within a millisecond of each other for the whole run.
	const { adapter, state } = fakeProvider({ pages: 20, size: 10, latencyMs: 60 });
	const ids = await collect(adapter, { concurrency: 4 });
	expect(ids).toHaveLength(200);
	expect(state.calls.slice(0, 4)).toEqual([0, 1, 2, 3]);
	const gaps = state.startedAt.slice(8).map((t, i) => t - state.startedAt[i + 7]);
	expect(Math.min(...gaps)).toBeGreaterThanOrEqual(5);
	expect(Math.max(...state.maxInFlight)).toBe(4);
});
