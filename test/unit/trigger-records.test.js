// The polling triggers: activation and "Fetch Test Event" cost a bounded few requests whatever the filters;
// DoubleTick's several watched contacts each keep their own point, so no message that existed before
// activation is ever emitted; messages without a time or an id are emitted exactly once.
const { NodeOperationError } = require('n8n-workflow');
const { startSimulator } = require('../simulators');
const { makeContext } = require('../helpers/context');
const { providers, BUSINESS, CONTACTS, RAW_ID } = require('../helpers/providers');

const KEY = 'test-key-trigger-records';

function trigger(name, sim, { staticData, mode = 'trigger', parameters = {} }) {
	return makeContext({
		nodeClass: providers[name].triggerClass,
		parameters: { businessNumber: BUSINESS, event: 'any', ...(name === 'doubletick' ? { contactNumbers: `${CONTACTS[0]}, ${CONTACTS[1]}` } : {}), ...parameters },
		credentials: { apiKey: KEY, baseUrl: sim.url },
		mode,
		staticData,
	});
}

const minute = 60_000;
const now = () => Math.floor(Date.now() / 1000) * 1000;

describe.each(Object.keys(providers))('%s trigger', (name) => {
	const { listPath } = providers[name];
	let sim;
	beforeAll(async () => {
		sim = await startSimulator(name, { apiKey: KEY });
	});
	afterAll(() => sim.close());
	beforeEach(() => sim.reset());

	const add = (fields) => {
		const raw = sim.makeMessage({ business: BUSINESS, contact: CONTACTS[0], direction: 'inbound', ...fields });
		sim.add(raw);
		return raw;
	};

	// Only outbound history (3 pages' worth) and filters no message matches, applied by the node (not the API):
	// the old activation walked the whole history looking for a match. Chirp filters direction itself, so its
	// test uses a contact filter (the node's); the others filter direction in the node.
	const filtered = name === 'chirp' ? { event: 'inbound', filters: { contactNumber: CONTACTS[2] } } : { event: 'inbound' };
	const wantedContact = name === 'chirp' ? CONTACTS[2] : CONTACTS[0];
	// DoubleTick: the contact with history answers in its first window; the one without costs its 30 days (5 windows).
	const bound = name === 'doubletick' ? 6 : 1;

	test('Fetch Test Event and activation cost a bounded few requests whatever the filters', async () => {
		const t0 = now() - 300 * minute;
		for (let i = 0; i < 260; i++) add({ timestamp: t0 + i * minute, direction: 'outbound', text: `out ${i}` });
		const manual = trigger(name, sim, { staticData: {}, mode: 'manual', parameters: filtered });
		expect(await manual.run()).toBeNull();
		expect(sim.requestsTo(listPath).length).toBeLessThanOrEqual(bound);
		sim.clearRequests();
		const staticData = {};
		expect(await trigger(name, sim, { staticData, parameters: filtered }).run()).toBeNull();
		expect(sim.requestsTo(listPath).length).toBeLessThanOrEqual(bound);
		// The starting point is the newest message of any kind; later polls apply the filters.
		const point = name === 'doubletick' ? staticData.conversations[CONTACTS[0]] : staticData.cursor;
		expect(point.timestamp).toBe(new Date(t0 + 259 * minute).toISOString());
		const wanted = add({ timestamp: now() - minute, direction: 'inbound', contact: wantedContact, text: 'wanted' });
		add({ timestamp: now() - minute + 1000, direction: 'outbound', contact: wantedContact, text: 'not wanted' });
		const [items] = await trigger(name, sim, { staticData, parameters: filtered }).run();
		expect(items.map((i) => i.json.id)).toEqual([RAW_ID[name](wanted)]);
	});

	test('messages without a time or an id: each emitted once, none from before activation, the point never moved by them', async () => {
		const t0 = now() - 100 * minute;
		for (let i = 0; i < 5; i++) add({ timestamp: t0 + i * minute, text: `old ${i}` });
		add({ timestamp: t0 + 5 * minute, text: 'old untimed', odd: { time: 'null' } });
		const staticData = {};
		expect(await trigger(name, sim, { staticData }).run()).toBeNull();
		const pointOf = () => JSON.parse(JSON.stringify(name === 'doubletick' ? staticData.conversations[CONTACTS[0]] : staticData.cursor));
		const activated = pointOf();
		expect(await trigger(name, sim, { staticData }).run()).toBeNull();

		const untimed = add({ timestamp: now() - 10 * minute, text: 'new untimed', odd: { time: 'null' } });
		add({ timestamp: now() - 9 * minute, text: 'new untimed, no id', odd: { time: 'garbage', noId: true } });
		const [first] = await trigger(name, sim, { staticData }).run();
		expect(first.map((i) => i.json.text)).toEqual(['new untimed', 'new untimed, no id']);
		expect(first.map((i) => i.json.timestamp)).toEqual([null, null]);
		expect(first[0].json.id).toBe(RAW_ID[name](untimed));
		expect(pointOf().timestamp).toBe(activated.timestamp);
		expect(await trigger(name, sim, { staticData }).run()).toBeNull();

		add({ timestamp: now() - 5 * minute, text: 'timed, no id', odd: { noId: true } });
		add({ timestamp: now() - 4 * minute, text: 'timed' });
		const [second] = await trigger(name, sim, { staticData }).run();
		expect(second.map((i) => i.json.text)).toEqual(['timed, no id', 'timed']);
		expect(Date.parse(pointOf().timestamp)).toBeGreaterThan(Date.parse(activated.timestamp)); // moved by the timed ones
		expect(await trigger(name, sim, { staticData }).run()).toBeNull();
		expect(await trigger(name, sim, { staticData }).run()).toBeNull();
	});
});

describe.each(Object.keys(providers))('%s trigger: late messages and unknown directions', (name) => {
	let sim;
	beforeAll(async () => {
		sim = await startSimulator(name, { apiKey: KEY });
	});
	afterAll(() => sim.close());
	beforeEach(() => sim.reset());
	const add = (fields) => {
		const raw = sim.makeMessage({ business: BUSINESS, contact: CONTACTS[0], direction: 'inbound', ...fields });
		sim.add(raw);
		return raw;
	};
	const poll = async (staticData, parameters) => {
		const out = await trigger(name, sim, { staticData, parameters }).run();
		return out ? out[0].map((i) => i.json.text) : null;
	};

	test('a message that reaches the history after a newer one, with an older time, is emitted once; one older than the overlap is not', async () => {
		add({ timestamp: now() - 100 * minute, text: 'before activation' });
		const staticData = {};
		expect(await poll(staticData)).toBeNull();
		add({ timestamp: now() - 2 * minute, text: 'newer' });
		expect(await poll(staticData)).toEqual(['newer']);
		// From a phone that was offline: stored now, with the times they were written.
		add({ timestamp: now() - 7 * minute, text: 'late by 5 minutes' });
		add({ timestamp: now() - 20 * minute, text: 'late by 18 minutes' });
		expect(await poll(staticData)).toEqual(['late by 5 minutes']);
		expect(await poll(staticData)).toBeNull();
		add({ timestamp: now() - minute, text: 'next' });
		expect(await poll(staticData)).toEqual(['next']);
	});

	test('Event = Inbound never emits a message whose record does not tell its direction; Any Message does', async () => {
		add({ timestamp: now() - 100 * minute, text: 'before activation' });
		const inboundState = {};
		const anyState = {};
		expect(await poll(inboundState, { event: 'inbound' })).toBeNull();
		expect(await poll(anyState, { event: 'any' })).toBeNull();
		add({ timestamp: now() - 3 * minute, text: 'no direction', odd: { noDirection: true } });
		add({ timestamp: now() - 2 * minute, text: 'inbound' });
		// 99digital and Chirp tell it from the numbers (the business number's side): known, inbound.
		const told = name === 'ninetyninedigital' || name === 'chirp';
		expect(await poll(inboundState, { event: 'inbound' })).toEqual(told ? ['no direction', 'inbound'] : ['inbound']);
		expect(await poll(anyState, { event: 'any' })).toEqual(['no direction', 'inbound']);
	});
});

describe.each(['twochat', 'chirp', 'ninetyninedigital'])('%s trigger, a long backlog', (name) => {
	let sim;
	beforeAll(async () => {
		sim = await startSimulator(name, { apiKey: KEY });
	});
	afterAll(() => sim.close());
	beforeEach(() => sim.reset());

	test('a message without a time from before activation, deeper than the first page, is not emitted when a backlog walks over it', async () => {
		const size = providers[name].pageSize || 100;
		const t0 = now() - 1000 * minute;
		const add = (i, fields = {}) => {
			const raw = sim.makeMessage({ business: BUSINESS, contact: CONTACTS[0], direction: 'inbound', timestamp: t0 + i * minute, text: `m${i}`, ...fields });
			sim.add(raw);
			return raw;
		};
		for (let i = 0; i < size + 50; i++) add(i, i === 20 ? { text: 'old untimed', odd: { time: 'null' } } : {});
		const staticData = {};
		expect(await trigger(name, sim, { staticData }).run()).toBeNull();
		const fresh = [];
		for (let i = 0; i < size; i++) fresh.push(add(size + 100 + i));
		const [items] = await trigger(name, sim, { staticData }).run();
		expect(items.map((i) => i.json.id)).toEqual(fresh.map((r) => RAW_ID[name](r)));
		expect(items.map((i) => i.json.text)).not.toContain('old untimed');
	});
});

describe('DoubleTick trigger with several watched contacts', () => {
	let sim;
	beforeAll(async () => {
		sim = await startSimulator('doubletick', { apiKey: KEY });
	});
	afterAll(() => sim.close());
	beforeEach(() => sim.reset());

	const add = (contact, timestamp, text) => {
		const raw = sim.makeMessage({ business: BUSINESS, contact, direction: 'inbound', timestamp, text });
		sim.add(raw);
		return raw;
	};
	const run = (staticData, contactNumbers = `${CONTACTS[0]}, ${CONTACTS[1]}`, extra = {}) =>
		trigger('doubletick', sim, { staticData, parameters: { contactNumbers, ...extra } }).run();

	test.each([
		['the first contact has the newest history', 0],
		['the second contact has the newest history', 1],
	])('%s: nothing from before activation, every new message after it', async (_, newer) => {
		const t = now();
		add(CONTACTS[newer], t - 10 * minute, 'old newest');
		add(CONTACTS[1 - newer], t - 300 * minute, 'old older');
		add(CONTACTS[1 - newer], t - 200 * minute, 'old older 2');
		const staticData = {};
		expect(await run(staticData)).toBeNull();
		expect(await run(staticData)).toBeNull();
		// New on both, the second contact's with a time before the other's newest (its clock, or a late delivery).
		const a = add(CONTACTS[1 - newer], t - 60 * minute, 'new, behind the other contact');
		const b = add(CONTACTS[newer], t - 2 * minute, 'new');
		const [items] = await run(staticData);
		expect(items.map((i) => i.json.id)).toEqual([a.id, b.id]);
		expect(await run(staticData)).toBeNull();
	});

	test('a contact added to the list later: its earlier history is never emitted', async () => {
		const t = now();
		add(CONTACTS[0], t - 300 * minute, 'first contact');
		const staticData = {};
		expect(await run(staticData, CONTACTS[0])).toBeNull();
		add(CONTACTS[1], t - 30 * minute, 'second contact, before it was watched');
		expect(await run(staticData, `${CONTACTS[0]}, ${CONTACTS[1]}`)).toBeNull();
		const fresh = add(CONTACTS[1], t - minute, 'second contact, new');
		const [items] = await run(staticData, `${CONTACTS[0]}, ${CONTACTS[1]}`);
		expect(items.map((i) => i.json.id)).toEqual([fresh.id]);
	});

	test('state saved with one point for all contacts (before per-contact points) keeps working', async () => {
		const t = now();
		add(CONTACTS[0], t - 300 * minute, 'old');
		const staticData = { cursor: { timestamp: new Date(t - 100 * minute).toISOString(), ids: [] } };
		const fresh = add(CONTACTS[1], t - 50 * minute, 'after the saved point');
		const [items] = await run(staticData);
		expect(items.map((i) => i.json.id)).toEqual([fresh.id]);
		expect(Object.keys(staticData.conversations).sort()).toEqual([CONTACTS[0], CONTACTS[1]].sort());
		expect(staticData.cursor).toBeUndefined();
	});

	test('Filters → Contact Number narrows the list to one of its contacts; one not in the list is an error', async () => {
		add(CONTACTS[0], now() - 10 * minute, 'a');
		add(CONTACTS[1], now() - 10 * minute, 'b');
		const staticData = {};
		await run(staticData, `${CONTACTS[0]}, ${CONTACTS[1]}`, { filters: { contactNumber: CONTACTS[1] } });
		expect(Object.keys(staticData.conversations)).toEqual([CONTACTS[1]]);
		expect(sim.requests.every((r) => r.query.customerNumber === CONTACTS[1].slice(1))).toBe(true);
		sim.clearRequests();
		const wrong = trigger('doubletick', sim, { staticData: {}, parameters: { contactNumbers: CONTACTS[0], filters: { contactNumber: CONTACTS[2] } } });
		await expect(wrong.run()).rejects.toThrow(NodeOperationError);
		await expect(trigger('doubletick', sim, { staticData: {}, mode: 'manual', parameters: { contactNumbers: CONTACTS[0], filters: { contactNumber: CONTACTS[2] } } }).run()).rejects.toThrow(/not one of the watched/);
		expect(sim.requests).toHaveLength(0);
	});
});
