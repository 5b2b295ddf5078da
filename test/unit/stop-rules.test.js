// The pagination engine's stop rules, each on its own, and the engine with records that have no time or no id.
const {
	limitReached,
	emptyPage,
	nothingNew,
	olderThanRange,
	shortPage,
	cursorEnds,
	pageEndsHistory,
} = require('../../dist/nodes/shared/history/stopRules');
const { newestFirstOrder } = require('../../dist/nodes/shared/history/taker');
const { paginate } = require('../../dist/nodes/shared/history/paginate');

const PAGES = { kind: 'pages', first: 0, size: 10 };
const CURSOR = { kind: 'cursor', size: 10 };

describe('stop rules', () => {
	test('limitReached: only with a limit, at or past it', () => {
		expect(limitReached(5, undefined)).toBe(false);
		expect(limitReached(4, 5)).toBe(false);
		expect(limitReached(5, 5)).toBe(true);
		expect(limitReached(6, 5)).toBe(true);
	});
	test('emptyPage', () => {
		expect(emptyPage(0)).toBe(true);
		expect(emptyPage(1)).toBe(false);
	});
	test('nothingNew: a page without one record not seen before', () => {
		expect(nothingNew(0)).toBe(true);
		expect(nothingNew(1)).toBe(false);
	});
	test('olderThanRange: the oldest timed message before the start; no start or no timed message never stops', () => {
		expect(olderThanRange(99, 100)).toBe(true);
		expect(olderThanRange(100, 100)).toBe(false);
		expect(olderThanRange(99, undefined)).toBe(false);
		expect(olderThanRange(null, 100)).toBe(false);
	});
	test('shortPage: page-numbered APIs only', () => {
		expect(shortPage(PAGES, 9)).toBe(true);
		expect(shortPage(PAGES, 10)).toBe(false);
		expect(shortPage(CURSOR, 1)).toBe(false);
		expect(shortPage({ kind: 'windows', days: 7 }, 0)).toBe(false);
	});
	test('cursorEnds: no cursor, or one already followed', () => {
		expect(cursorEnds(null, new Set())).toBe(true);
		expect(cursorEnds(undefined, new Set())).toBe(true);
		expect(cursorEnds('', new Set())).toBe(true);
		expect(cursorEnds('c1', new Set(['c1']))).toBe(true);
		expect(cursorEnds('c2', new Set(['c1']))).toBe(false);
	});
	test('pageEndsHistory: any one rule ends it', () => {
		const page = { itemCount: 10, fresh: 10, oldestTimed: 500 };
		expect(pageEndsHistory(PAGES, page, 100)).toBe(false);
		expect(pageEndsHistory(PAGES, { ...page, itemCount: 0 }, 100)).toBe(true);
		expect(pageEndsHistory(PAGES, { ...page, fresh: 0 }, 100)).toBe(true);
		expect(pageEndsHistory(PAGES, { ...page, oldestTimed: 50 }, 100)).toBe(true);
		expect(pageEndsHistory(PAGES, { ...page, oldestTimed: null }, 100)).toBe(false);
		expect(pageEndsHistory(PAGES, { ...page, itemCount: 9 }, 100)).toBe(true);
		expect(pageEndsHistory(CURSOR, { ...page, itemCount: 9 }, 100)).toBe(false);
	});
	test('newestFirstOrder: stable, messages without a time keep their place', () => {
		expect(newestFirstOrder([3, 2, 2, 1])).toBeUndefined();
		expect(newestFirstOrder([3, null, 2, null, 1])).toBeUndefined();
		expect(newestFirstOrder([1, 3, 2])).toEqual([1, 2, 0]);
		// slots 1 and 3 hold untimed messages and stay; the timed ones (5, 9, 7 at 0, 2, 4) are sorted into 0, 2, 4
		expect(newestFirstOrder([5, null, 9, null, 7])).toEqual([2, 1, 4, 3, 0]);
		expect(newestFirstOrder([2, 5, 5, 1])).toEqual([1, 2, 0, 3]);
	});
});

/** A scripted page-numbered provider: `records(page)` gives the page's raw records. */
function fake(records, size = 10) {
	const calls = [];
	const adapter = {
		id: '2chat',
		displayName: 'Fake',
		pageStyle: { kind: 'pages', first: 0, size },
		serverFilters: ['business', 'contact'],
		required: { getConversation: [], getMessage: [], getAll: [] },
		async listPage(api, query, ref) {
			calls.push(ref.page);
			return { items: records(ref.page) };
		},
		toMessage: (raw) => ({ id: raw.id ?? null, timestamp: raw.t == null ? null : new Date(raw.t).toISOString(), contactNumber: '+1', direction: 'inbound', text: raw.text }),
	};
	return { adapter, calls };
}

async function collect(adapter, query, options = {}) {
	const out = [];
	for await (const m of paginate({}, adapter, query, { concurrency: 1, includeRaw: false, ...options })) out.push(m);
	return out;
}

const T0 = Date.UTC(2025, 0, 1);

describe('the engine with odd records', () => {
	test('records without an id are all kept, never merged, even when identical', async () => {
		const { adapter } = fake((p) => (p === 0 ? [{ id: 'a', t: T0 + 9 }, { t: T0 + 8, text: 'same' }, { t: T0 + 8, text: 'same' }, { t: T0 + 7 }] : []));
		const out = await collect(adapter, {});
		expect(out.map((m) => m.id)).toEqual(['a', null, null, null]);
	});

	test('a page of messages without a time does not end paging before the start date', async () => {
		// page 0: in range; page 1: all without a time; page 2: in range; page 3: older than the start
		const { adapter, calls } = fake((p) => {
			if (p === 1) return Array.from({ length: 10 }, (_, i) => ({ id: `u${i}` }));
			if (p > 3) return [];
			const base = p === 3 ? T0 - 100_000 : T0 + (3 - p) * 1000;
			return Array.from({ length: 10 }, (_, i) => ({ id: `p${p}-${i}`, t: base - i }));
		});
		const out = await collect(adapter, { startMs: T0 });
		// the date filter excludes messages without a time; the in-range page after them is still read
		expect(out.map((m) => m.id)).toEqual([...Array.from({ length: 10 }, (_, i) => `p0-${i}`), ...Array.from({ length: 10 }, (_, i) => `p2-${i}`)]);
		expect(calls).toEqual([0, 1, 2, 3]);
	});

	test('without a date filter, messages without a time are output where the provider put them', async () => {
		const { adapter } = fake((p) => (p === 0 ? [{ id: 'x', t: T0 + 1 }, { id: 'u' }, { id: 'y', t: T0 + 5 }] : []));
		expect((await collect(adapter, {})).map((m) => m.id)).toEqual(['y', 'u', 'x']);
	});

	test('a repeated page of id-less records ends paging (nothing new), its records are not dropped the first time', async () => {
		const { adapter, calls } = fake(() => Array.from({ length: 10 }, (_, i) => ({ t: T0 - i, text: `r${i}` })));
		const out = await collect(adapter, {});
		expect(out).toHaveLength(10);
		expect(calls).toEqual([0, 1]);
	});
});
