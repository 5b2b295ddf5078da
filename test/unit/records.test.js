// Records that break the providers' own docs: no id, a time that is missing, null or in another format, no
// direction. Nothing merged, nothing dropped, no invented dates, paging not ended early; and bad filter dates.
const { NodeOperationError } = require('n8n-workflow');
const { startSimulator } = require('../simulators');
const { makeContext } = require('../helpers/context');
const { providers, BUSINESS, CONTACTS, RAW_ID } = require('../helpers/providers');
const { providerTime, isoFromProviderTime } = require('../../dist/nodes/shared/dates');
const { toMessage: twoChat } = require('../../dist/nodes/TwoChat/toMessage');
const { toMessage: chirp } = require('../../dist/nodes/Chirp/toMessage');
const { toMessage: doubleTick } = require('../../dist/nodes/DoubleTick/toMessage');
const { toMessage: ninetyNine } = require('../../dist/nodes/NinetyNineDigital/toMessage');

const KEY = 'test-key-records';
const FIELDS = ['id', 'provider', 'conversationId', 'direction', 'type', 'text', 'media', 'location', 'timestamp', 'businessNumber', 'contactNumber', 'contactName', 'senderName', 'status', 'error'];
const T = Date.UTC(2024, 3, 2, 23, 2, 3, 250);

describe('providerTime: the one tolerant reader of message times', () => {
	test.each([
		[1712098923, '2024-04-02T23:02:03.000Z'], // 10 digits: seconds
		[1712098923.25, '2024-04-02T23:02:03.250Z'], // float seconds (2Chat)
		[1712098923250, '2024-04-02T23:02:03.250Z'], // 13 digits: milliseconds
		[1712098923250000, '2024-04-02T23:02:03.250Z'], // 16 digits: microseconds
		[1712098923250000000, '2024-04-02T23:02:03.250Z'], // 19 digits: nanoseconds
		['1712098923', '2024-04-02T23:02:03.000Z'], // numeric strings (99digital)
		['1712098923250', '2024-04-02T23:02:03.250Z'],
		[' 1712098923.5 ', '2024-04-02T23:02:03.500Z'],
		['2024-04-02T23:02:03.250Z', '2024-04-02T23:02:03.250Z'],
		['2024-04-02T23:02:03Z', '2024-04-02T23:02:03.000Z'],
		['2024-04-03T02:02:03+03:00', '2024-04-02T23:02:03.000Z'],
		['2024-04-03T02:02:03+0300', '2024-04-02T23:02:03.000Z'],
		['2024-04-02T23:02:03', '2024-04-02T23:02:03.000Z'], // no zone: UTC
		['2024-04-02 23:02:03', '2024-04-02T23:02:03.000Z'],
		['2024-04-02T23:02:03.123456Z', '2024-04-02T23:02:03.123Z'],
		['2024-04-02', '2024-04-02T00:00:00.000Z'],
		['Tue, 02 Apr 2024 23:02:03 GMT', '2024-04-02T23:02:03.000Z'],
		[new Date(T), '2024-04-02T23:02:03.250Z'],
	])('%p → %s', (input, iso) => {
		expect(isoFromProviderTime(input)).toBe(iso);
		expect(providerTime(input)).toBe(Date.parse(iso));
	});

	test.each([null, undefined, '', '   ', 0, '0', -1, 'soon', 'null', 'NaN', NaN, Infinity, true, {}, [], '2026-02-30T10:00:00Z', '2026-13-01', '2024-04-02T25:00:00Z', '2024-04-02 23:61:00', 'Apr 2 2024 23:02'])(
		'%p → null (never 1970, never rolled over)',
		(input) => {
			expect(providerTime(input)).toBeNull();
			expect(isoFromProviderTime(input)).toBeNull();
		},
	);
});

describe('toMessage never throws and never invents', () => {
	const mappers = { '2chat': twoChat, chirp, doubletick: doubleTick, '99digital': ninetyNine };
	const junk = [null, undefined, 'text', 42, [], {}, { id: null }, { id: 5, unique: 7, uuid: 9 }, { message: 'x', direction: 3, timestamp: 'later' },
		{ message: null, messageType: {}, senderUser: 'x' }, { from: 12, to: null, direction: '9' }, { createdAt: 0, messageTime: '', timestamp: false }];
	test.each(Object.keys(mappers))('%s: every field present, timestamp null or real, contact never the business', (provider) => {
		for (const raw of junk) {
			for (const query of [{}, { businessNumber: BUSINESS }, { businessNumber: BUSINESS, contactNumber: CONTACTS[0] }]) {
				const m = mappers[provider](raw, query);
				expect(Object.keys(m).sort()).toEqual([...FIELDS].sort());
				expect(m.provider).toBe(provider);
				if (m.timestamp !== null) expect(Date.parse(m.timestamp)).toBeGreaterThanOrEqual(Date.UTC(2000, 0, 1));
				expect(m.id === null || typeof m.id === 'string').toBe(true);
				expect([null, 'inbound', 'outbound']).toContain(m.direction);
				if (m.contactNumber !== null) expect(m.contactNumber).not.toBe(m.businessNumber);
			}
		}
	});

	test('99digital without direction: inferred from from/to and the business number, else null', () => {
		const q = { businessNumber: BUSINESS };
		const inbound = ninetyNine({ unique: 'a', timestamp: '1712098923', from: '972502222222', to: '972501234567', type: 'chat', message: 'hi' }, q);
		expect(inbound).toMatchObject({ direction: 'inbound', contactNumber: '+972502222222', businessNumber: BUSINESS, status: 'received' });
		const outbound = ninetyNine({ unique: 'b', timestamp: '1712098923', from: '972501234567', to: '972502222222', type: 'chat', message: 'hi', state: 0 }, q);
		expect(outbound).toMatchObject({ direction: 'outbound', contactNumber: '+972502222222', businessNumber: BUSINESS, status: 'failed' });
		const neither = ninetyNine({ unique: 'c', timestamp: '1712098923', to: '972501234567', type: 'chat', message: 'hi' }, q);
		expect(neither.contactNumber).not.toBe(BUSINESS);
		const unknown = ninetyNine({ unique: 'd', timestamp: '1712098923', type: 'chat', message: 'hi' }, q);
		// The contract has no unknown direction or contact: inbound by default, the contact empty, no status.
		expect(unknown).toMatchObject({ direction: 'inbound', contactNumber: '', businessNumber: BUSINESS, status: null });
	});

	test('99digital, direction present: the contact is never the business number', () => {
		// a record whose from/to are swapped against its own direction still does not name the business as contact
		const m = ninetyNine({ unique: 'e', timestamp: '1712098923', direction: '1', from: '972501234567', to: '972501234567', type: 'chat' }, { businessNumber: BUSINESS });
		expect(m.contactNumber).toBe('');
	});

	test('2Chat list item with timestamp null falls back to created_at', () => {
		const m = twoChat({ uuid: 'u', timestamp: null, created_at: '2024-04-02 23:02:03', sent_by: 'user', message: { text: 'x' } }, { businessNumber: BUSINESS });
		expect(m.timestamp).toBe('2024-04-02T23:02:03.000Z');
		expect(twoChat({ uuid: 'u', timestamp: null, message: { text: 'x' } }, {}).timestamp).toBeNull();
		expect(twoChat({ uuid: 'u', timestamp: null, message: { text: 'x' } }, {})).toMatchObject({ direction: 'inbound', status: null });
	});

	test('Chirp without direction: inferred from the numbers against displayPhoneNumber', () => {
		const m = chirp({ id: 'c', createdAt: '2024-04-02T23:02:03Z', displayPhoneNumber: BUSINESS, fromPhoneNumber: CONTACTS[0], toPhoneNumber: BUSINESS, textBody: 'x' }, {});
		expect(m).toMatchObject({ direction: 'inbound', contactNumber: CONTACTS[0], businessNumber: BUSINESS, type: 'text' });
	});

	test('DoubleTick without messageOriginType: an agent sender is outbound, else unknown; the contact is the one asked for', () => {
		const q = { businessNumber: BUSINESS, contactNumber: CONTACTS[0] };
		expect(doubleTick({ id: 'x', messageTime: T, senderUser: { id: 'user_1', name: 'Agent' }, message: { text: 'x' } }, q).direction).toBe('outbound');
		const m = doubleTick({ id: 'y', messageTime: T, senderUser: { id: null }, message: { text: 'x' } }, q);
		expect(m).toMatchObject({ direction: 'inbound', contactNumber: CONTACTS[0], status: null, type: 'text' });
	});
});

// Every time form the simulators can send, and whether it is usable.
const FORMS = { iso: true, isoNoZone: true, numericString: true, seconds: true, millis: true, secondsString: true, millisString: true, null: false, missing: false, zero: false, garbage: false };

function listRun(sim, name, parameters = {}) {
	const p = providers[name];
	return makeContext({
		nodeClass: p.nodeClass,
		parameters: { operation: 'getAll', businessNumber: BUSINESS, returnAll: true, filters: p.getAllFilters(CONTACTS[0]), options: { requestsPerMinute: 100000 }, ...parameters },
		credentials: { apiKey: KEY, baseUrl: sim.url },
	}).run();
}

describe.each(Object.keys(providers))('%s against its local server', (name) => {
	const { listPath, pageSize } = providers[name];
	let sim;
	beforeAll(async () => {
		sim = await startSimulator(name, { apiKey: KEY });
	});
	afterAll(() => sim.close());
	beforeEach(() => sim.reset());

	/** `count` messages of CONTACTS[0], one minute apart, the newest an hour ago; `odd(i)` gives record i's switches. */
	function fill(count, odd = () => undefined) {
		const newest = Math.floor(Date.now() / 1000) * 1000 - 3600_000;
		const raws = [];
		for (let i = 0; i < count; i++) {
			const f = { timestamp: newest - i * 60_000, direction: i % 2 ? 'outbound' : 'inbound', business: BUSINESS, contact: CONTACTS[0], text: `m${i}`, odd: odd(i) };
			raws.push({ raw: sim.makeMessage(f), f });
		}
		sim.add(raws.map((r) => r.raw));
		return raws;
	}

	test('odd records: every one output exactly once, no invented date, ids kept, times parsed when they can be', async () => {
		const forms = Object.keys(FORMS);
		const raws = fill(140, (i) => {
			if (i % 5 !== 2) return undefined;
			const k = (i - 2) / 5;
			return { time: forms[k % forms.length], noId: k % 3 === 1, noDirection: k % 4 === 3 };
		});
		const [out] = await listRun(sim, name);
		expect(out).toHaveLength(raws.length);
		const ids = out.map((o) => o.json.id).filter((id) => id !== null);
		expect(new Set(ids).size).toBe(ids.length);
		expect(out.filter((o) => o.json.id === null)).toHaveLength(raws.filter((r) => r.f.odd && r.f.odd.noId).length);
		const byId = new Map(out.map((o) => [o.json.id, o.json]));
		for (const { raw, f } of raws) {
			if (f.odd && f.odd.noId) continue;
			const m = byId.get(RAW_ID[name](raw));
			expect(m).toBeDefined();
			const usable = !f.odd || f.odd.time === undefined || FORMS[f.odd.time];
			const seconds = f.odd && /seconds|secondsString/.test(f.odd.time || '');
			expect(m.timestamp).toBe(usable ? new Date(seconds ? Math.floor(f.timestamp / 1000) * 1000 : f.timestamp).toISOString() : null);
			if (!(f.odd && f.odd.noDirection) || name === 'ninetyninedigital' || name === 'chirp') expect(m.direction).toBe(f.direction);
			expect(m.contactNumber).toBe(CONTACTS[0]);
		}
		for (const o of out) if (o.json.timestamp !== null) expect(Date.parse(o.json.timestamp)).toBeGreaterThan(Date.UTC(2020, 0, 1));
	});

	test('a date filter leaves out messages without a time, the same way on every provider', async () => {
		const raws = fill(40, (i) => (i % 4 === 1 ? { time: 'null', noId: i % 8 === 1 } : undefined));
		const from = new Date(raws[raws.length - 1].f.timestamp - 1000).toISOString();
		const to = new Date(raws[0].f.timestamp + 1000).toISOString();
		const [out] = await listRun(sim, name, { filters: { ...providers[name].getAllFilters(CONTACTS[0]), startDate: from, endDate: to } });
		expect(out).toHaveLength(30);
		expect(out.every((o) => o.json.timestamp !== null)).toBe(true);
	});

	if (pageSize || name === 'chirp') {
		test('a page of messages without a time does not end paging before the start date', async () => {
			const size = pageSize || 100;
			// newest first: page 1 timed, page 2 without times, page 3 timed; all in range
			const raws = fill(size * 3 - 5, (i) => (i >= size && i < 2 * size ? { time: 'null' } : undefined));
			const from = new Date(raws[raws.length - 1].f.timestamp - 1000).toISOString();
			const [out] = await listRun(sim, name, { filters: { ...providers[name].getAllFilters(CONTACTS[0]), startDate: from }, options: { requestsPerMinute: 100000, maxConcurrentRequests: 1 } });
			expect(out).toHaveLength(size * 2 - 5);
			expect(sim.requestsTo(listPath)).toHaveLength(3);
		});
	}

	test('calendar-invalid dates are rejected naming the field, before any request', async () => {
		for (const [field, value] of [['startDate', '2026-02-30'], ['endDate', '2026-13-01'], ['startDate', '2026-04-31T10:00'], ['endDate', '2026-04-30T24:00:00'], ['startDate', '2026-04-30T10:60']]) {
			const run = listRun(sim, name, { filters: { ...providers[name].getAllFilters(CONTACTS[0]), [field]: value } });
			await expect(run).rejects.toThrow(NodeOperationError);
			await expect(listRun(sim, name, { filters: { ...providers[name].getAllFilters(CONTACTS[0]), [field]: value } })).rejects.toThrow(new RegExp(`filters\\.${field}`));
		}
		expect(sim.requests).toHaveLength(0);
	});
});

describe('Chirp after falling back to the API default page size', () => {
	let sim;
	beforeAll(async () => {
		sim = await startSimulator('chirp', { apiKey: KEY });
	});
	afterAll(() => sim.close());
	beforeEach(() => sim.reset());

	test.each([
		['with nextCursor', false],
		['without nextCursor in the reply', true],
	])('%s: keeps following the cursor to the end', async (_, omit) => {
		sim.generate(130, { business: BUSINESS, contacts: [CONTACTS[0]], start: Date.now() - 200 * 60_000 });
		sim.state.maxLimit = 50; // our 100 is refused: the node falls back to the default (20)
		sim.state.omitNextCursor = omit;
		const [out] = await listRun(sim, 'chirp');
		expect(out).toHaveLength(130);
		expect(new Set(out.map((o) => o.json.id)).size).toBe(130);
	});
});

describe('DoubleTick: padded date windows overlap', () => {
	let sim;
	beforeAll(async () => {
		sim = await startSimulator('doubletick', { apiKey: KEY });
	});
	afterAll(() => sim.close());
	beforeEach(() => sim.reset());

	test('a record with neither an id nor a time, returned by two windows, comes out once; one with an id too', async () => {
		const at = Date.now() - 6.5 * 86_400_000; // inside both the first and the second window's padded request
		const mk = (text, odd) => sim.makeMessage({ timestamp: at, direction: 'inbound', business: BUSINESS, contact: CONTACTS[0], text, odd });
		sim.add([mk('no id, no time', { noId: true, time: 'null' }), mk('no time', { time: 'missing' }), mk('normal')]);
		const [out] = await listRun(sim, 'doubletick');
		const windowsWithIt = sim.requestsTo('/chat-messages').length;
		expect(windowsWithIt).toBeGreaterThanOrEqual(2);
		expect(out.map((o) => o.json.text).sort()).toEqual(['no id, no time', 'no time', 'normal']);
	});
});
