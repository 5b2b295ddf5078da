// The polling triggers with Options → Output Format = Transcript: one item per contact per poll, with Context Messages
// earlier messages of the conversation in front of the new ones, against the local provider servers.
const { startSimulator } = require('../simulators');
const { makeContext } = require('../helpers/context');
const { providers, BUSINESS, CONTACTS } = require('../helpers/providers');

const KEY = 'test-key-trigger-transcript';
const [A, B] = CONTACTS;

function trigger(name, sim, staticData, options, mode = 'trigger') {
	return makeContext({
		nodeClass: providers[name].triggerClass,
		parameters: { businessNumber: BUSINESS, event: 'inbound', ...(name === 'doubletick' ? { contactNumbers: `${A}, ${B}` } : {}), options },
		credentials: { apiKey: KEY, baseUrl: sim.url },
		staticData,
		mode,
	});
}

describe.each(Object.keys(providers))('%s trigger, transcript output', (name) => {
	let sim;
	beforeAll(async () => {
		sim = await startSimulator(name, { apiKey: KEY });
	});
	afterAll(() => sim.close());
	beforeEach(() => sim.reset());

	test('one item per contact per poll: Context Messages earlier lines (both sides), then the new ones', async () => {
		const t = Math.floor(Date.now() / 1000) * 1000 - 3600_000;
		const at = (minutes) => t + minutes * 60_000;
		sim.add([
			sim.makeMessage({ timestamp: at(0), direction: 'inbound', business: BUSINESS, contact: A, text: 'a old question' }),
			sim.makeMessage({ timestamp: at(1), direction: 'outbound', business: BUSINESS, contact: A, text: 'a old answer' }),
			sim.makeMessage({ timestamp: at(2), direction: 'inbound', business: BUSINESS, contact: B, text: 'b old' }),
		]);
		const staticData = {};
		const options = { outputFormat: 'transcript', contextMessages: 2 };
		expect(await trigger(name, sim, staticData, options).run()).toBeNull();
		sim.add([
			sim.makeMessage({ timestamp: at(10), direction: 'inbound', business: BUSINESS, contact: A, text: 'a new 1' }),
			sim.makeMessage({ timestamp: at(11), direction: 'inbound', business: BUSINESS, contact: B, text: 'b new' }),
			sim.makeMessage({ timestamp: at(12), direction: 'inbound', business: BUSINESS, contact: A, text: 'a new 2' }),
		]);
		const [items] = await trigger(name, sim, staticData, options).run();
		expect(items.map((i) => [i.json.contactNumber, i.json.newMessageCount, i.json.messageCount])).toEqual([
			[B, 1, 2],
			[A, 2, 4],
		]);
		const a = items[1].json;
		expect(a.transcript.split('\n').map((l) => l.replace(/^.* [^:]+: /, ''))).toEqual(['a old question', 'a old answer', 'a new 1', 'a new 2']);
		expect(a.newMessages.split('\n').map((l) => l.replace(/^.* [^:]+: /, ''))).toEqual(['a new 1', 'a new 2']);
		expect(a).toMatchObject({ provider: providers[name].provider, businessNumber: BUSINESS, firstTimestamp: new Date(at(0)).toISOString(), lastTimestamp: new Date(at(12)).toISOString() });
		// Nothing new: no item, no execution.
		expect(await trigger(name, sim, staticData, options).run()).toBeNull();
	});

	test('"Fetch Test Event" gives the newest message as a transcript; a bad Context Messages fails before any request', async () => {
		sim.generate(6, { business: BUSINESS, contacts: [A], start: Date.now() - 3600_000, stepMs: 60_000 });
		const [items] = await trigger(name, sim, {}, { outputFormat: 'transcript', contextMessages: 3 }, 'manual').run();
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({ contactNumber: A, newMessageCount: 1 });
		expect(items[0].json.messageCount).toBeGreaterThanOrEqual(2);
		sim.clearRequests();
		await expect(trigger(name, sim, {}, { outputFormat: 'transcript', contextMessages: -1 }, 'manual').run()).rejects.toThrow('"Context Messages" (contextMessages): -1');
		expect(sim.requests).toHaveLength(0);
	});
});
