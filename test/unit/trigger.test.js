// The polling triggers against a scripted arrival stream on the local servers: over 200+ polls the emitted ids
// must equal the arrived ids exactly (each once, none missing, oldest first), through bursts, equal
// timestamps, arrivals while a poll is paging, 429s, a failed poll and restarts that reload the state from JSON.
const { startSimulator } = require('../simulators');
const { makeContext } = require('../helpers/context');
const { providers, BUSINESS, CONTACTS, RAW_ID } = require('../helpers/providers');

const KEY = 'test-key-trigger';

function trigger(name, sim, { staticData, mode = 'trigger', parameters = {} }) {
	const p = providers[name];
	return makeContext({
		nodeClass: p.triggerClass,
		parameters: { businessNumber: BUSINESS, event: 'any', ...(name === 'doubletick' ? { contactNumbers: `${CONTACTS[0]}, ${CONTACTS[1]}` } : {}), ...parameters },
		credentials: { apiKey: KEY, baseUrl: sim.url },
		mode,
		staticData,
	});
}

// Seeded pseudo-random numbers, so a failure can be replayed.
function rng(seed) {
	let s = seed;
	return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

describe.each(Object.keys(providers))('%s trigger', (name) => {
	const { listPath } = providers[name];
	let sim;
	beforeAll(async () => {
		sim = await startSimulator(name, { apiKey: KEY });
	});
	afterAll(() => sim.close());
	beforeEach(() => sim.reset());

	test('first activation emits nothing and stores the newest message; manual returns the newest and stores nothing', async () => {
		const raws = sim.generate(20, { business: BUSINESS, contacts: [CONTACTS[0]], start: Date.now() - 3600_000, stepMs: 60_000 });
		const manualState = {};
		const [items] = await trigger(name, sim, { staticData: manualState, mode: 'manual' }).run();
		expect(items.map((i) => i.json.id)).toEqual([RAW_ID[name](raws[0])]);
		expect(manualState).toEqual({});
		const staticData = {};
		expect(await trigger(name, sim, { staticData }).run()).toBeNull();
		// DoubleTick keeps one point per watched contact; the others one point.
		const point = name === 'doubletick' ? staticData.conversations[CONTACTS[0]] : staticData.cursor;
		// The newest message, and those within the overlap window before it, are known.
		expect(point.seen.map(([key]) => key)).toEqual(raws.slice(0, 11).map(RAW_ID[name]));
		expect(JSON.parse(JSON.stringify(staticData))).toEqual(staticData);
		// Nothing new: one request per watched conversation, no execution.
		sim.clearRequests();
		expect(await trigger(name, sim, { staticData }).run()).toBeNull();
		expect(sim.requestsTo(listPath)).toHaveLength(name === 'doubletick' ? 2 : 1);
	});

	test('a scripted arrival stream over 220 polls: emitted ids = arrived ids, each once, in order', async () => {
		const random = rng(name.length * 7919);
		const watched = name === 'doubletick' ? [CONTACTS[0], CONTACTS[1]] : CONTACTS;
		let clock = Date.now() - 12 * 3600_000;
		let seq = 0;
		const arrived = [];
		const arrive = (count, { sameTime = false, contact } = {}) => {
			if (!sameTime) clock += 1000;
			for (let k = 0; k < count; k++) {
				const c = contact || CONTACTS[Math.floor(random() * CONTACTS.length)];
				const fields = { id: undefined, timestamp: clock, direction: random() < 0.5 ? 'inbound' : 'outbound', business: BUSINESS, contact: c, text: `arrival ${++seq}` };
				const raw = sim.makeMessage(fields);
				sim.add(raw);
				if (watched.includes(c)) arrived.push(RAW_ID[name](raw));
				if (!sameTime && random() < 0.3) clock += 1000;
			}
		};
		sim.generate(30, { business: BUSINESS, contacts: CONTACTS, start: clock - 30 * 60_000, stepMs: 60_000 });

		let persisted = {};
		let staticData = {};
		const emitted = [];
		const poll = async () => {
			const out = await trigger(name, sim, { staticData }).run();
			if (out) {
				emitted.push(...out[0].map((i) => i.json));
				persisted = JSON.parse(JSON.stringify(staticData)); // n8n saves static data after a poll that emits
			}
			return out;
		};
		expect(await poll()).toBeNull(); // activation
		persisted = JSON.parse(JSON.stringify(staticData));

		for (let n = 0; n < 220; n++) {
			const r = random();
			if (n === 50) arrive(name === 'doubletick' ? 40 : 260); // a backlog: several pages
			else if (n % 37 === 5) arrive(4, { sameTime: true }); // several messages with one timestamp
			else if (r < 0.35) arrive(1 + Math.floor(random() * 4));
			if (n % 41 === 7) sim.fault({ path: listPath, times: 1, onRequest: () => arrive(2) }); // arrivals while paging
			if (n % 53 === 11) sim.fault({ path: listPath, times: 1, status: 429, headers: { 'Retry-After': '0' } });
			if (n === 97) sim.fault({ path: listPath, times: 1, status: 400 }); // a failed poll: logged, nothing advanced
			if (n % 60 === 30) staticData = JSON.parse(JSON.stringify(persisted)); // restart: reload the saved state
			await poll();
		}
		await poll();
		await poll();
		expect(emitted.map((m) => m.id).sort()).toEqual([...arrived].sort());
		expect(new Set(emitted.map((m) => m.id)).size).toBe(emitted.length);
		const times = emitted.map((m) => Date.parse(m.timestamp));
		expect(times).toEqual([...times].sort((a, b) => a - b));
		expect(arrived.length).toBeGreaterThan(name === 'doubletick' ? 120 : 300);
	});

	test('messages with one timestamp come out oldest first (in arrival order)', async () => {
		sim.generate(3, { business: BUSINESS, contacts: [CONTACTS[0]], start: Date.now() - 3600_000, stepMs: 60_000 });
		const staticData = {};
		await trigger(name, sim, { staticData }).run();
		const t = Date.now() - 30_000;
		for (const text of ['first', 'second', 'third']) sim.add(sim.makeMessage({ timestamp: t, direction: 'inbound', business: BUSINESS, contact: CONTACTS[0], text }));
		const [items] = await trigger(name, sim, { staticData }).run();
		expect(items.map((i) => i.json.text)).toEqual(['first', 'second', 'third']);
	});

	test('an idle trigger re-reads only the overlap window, not what its filter skipped before: one request per conversation', async () => {
		sim.generate(3, { business: BUSINESS, contacts: [CONTACTS[0]], start: Date.now() - 24 * 3600_000, stepMs: 60_000 });
		const staticData = {};
		const inbound = () => trigger(name, sim, { staticData, parameters: { event: 'inbound' } }).run();
		await inbound();
		// A minute apart: the 10-minute window before the newest holds 11 of them, one page.
		const t = Date.now() - 300 * 60_000;
		for (let k = 0; k < 260; k++) sim.add(sim.makeMessage({ timestamp: t + k * 60_000, direction: 'outbound', business: BUSINESS, contact: CONTACTS[0], text: `out ${k}` }));
		expect(await inbound()).toBeNull();
		sim.clearRequests();
		expect(await inbound()).toBeNull();
		expect(sim.requestsTo(listPath)).toHaveLength(name === 'doubletick' ? 2 : 1);
	});

	test('event "inbound" emits only inbound messages', async () => {
		sim.generate(5, { business: BUSINESS, contacts: [CONTACTS[0]], start: Date.now() - 3600_000, stepMs: 60_000 });
		const staticData = {};
		await trigger(name, sim, { staticData, parameters: { event: 'inbound' } }).run();
		const t = Date.now() - 60_000;
		const mk = (direction, dt) => sim.makeMessage({ timestamp: t + dt, direction, business: BUSINESS, contact: CONTACTS[0], text: direction });
		sim.add([mk('inbound', 1000), mk('outbound', 2000), mk('inbound', 3000)]);
		const [items] = await trigger(name, sim, { staticData, parameters: { event: 'inbound' } }).run();
		expect(items.map((i) => i.json.direction)).toEqual(['inbound', 'inbound']);
		expect(items.map((i) => i.json.text)).toEqual(['inbound', 'inbound']);
	});
});
