// The instant triggers against real outages (issue 19): a backlog of thousands of missed messages, a delivery lost
// between two delivered ones, a message that reaches the history late, DoubleTick deliveries whose id is not the
// history's, messages of unknown direction, and what the trigger writes and keeps: static data only when it changed,
// bounded per-process memory, webhook secrets kept out of errors and logs. Against the local provider servers and the
// n8n stand-in (see test/helpers/instant.js).
const { PROVIDERS, setup, inbound, later } = require('../helpers/instant');
const { providers, BUSINESS, CONTACTS } = require('../helpers/providers');

const texts = (n8n) => n8n.emitted().map((m) => m.text);

/**
 * The clock of these tests: real time plus what `pass` added (Date.now only: the servers' timers run as they do).
 * n8n gives webhook nodes no timer, so a gap check waits for the first delivery after its interval.
 */
let offset = 0;
const realNow = Date.now.bind(Date);
beforeAll(() => jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset));
afterAll(() => jest.restoreAllMocks());
const pass = (minutes) => (offset += minutes * 60_000);

describe('a backlog of missed messages', () => {
	test.each(['ninetyninedigital', 'chirp'])('%s: 6000 missed messages are caught up exactly once, oldest first, 2000 per execution, the rest with the next deliveries', async (name) => {
		const { sim, n8n } = await setup(name);
		try {
			await n8n.activate();
			await sim.webhooks.deliver(inbound(CONTACTS[0], 'before'));
			const missed = [];
			await n8n.restart(async () => {
				// A weekend outage on a busy number: stored in the history, never delivered.
				for (let i = 0; i < 6000; i++) missed.push(sim.makeMessage({ timestamp: later(1000), direction: 'inbound', business: BUSINESS, contact: CONTACTS[i % 3], text: `missed ${i}` }));
				sim.add(missed);
			});
			const want = (from, to) => Array.from({ length: to - from }, (_, i) => `missed ${from + i}`);

			await sim.webhooks.deliver(inbound(CONTACTS[0], 'after'));
			expect(n8n.executions[1].items.map((m) => m.text)).toEqual([...want(0, 2000), 'after']);
			const pending = () => n8n.logs.filter(([level, m]) => level === 'warn' && /more missed messages are pending/.test(m)).map(([, m]) => m);
			expect(pending()).toEqual([expect.stringContaining('caught up 2001 messages, oldest first; 4000 more missed messages are pending and follow with the next delivery')]);
			// The stored history point never passes a message that was not emitted.
			expect(Date.parse(n8n.staticData.history)).toBe(Date.parse(n8n.executions[1].items[1999].timestamp));

			await sim.webhooks.deliver(inbound(CONTACTS[1], 'next 1'));
			expect(n8n.executions[2].items.map((m) => m.text)).toEqual([...want(2000, 4000), 'next 1']);
			expect(pending()).toHaveLength(2);
			await sim.webhooks.deliver(inbound(CONTACTS[2], 'next 2'));
			expect(n8n.executions[3].items.map((m) => m.text)).toEqual([...want(4000, 6000), 'next 2']);
			expect(pending()).toHaveLength(2);
			await sim.webhooks.deliver(inbound(CONTACTS[0], 'next 3'));
			expect(n8n.executions[4].items.map((m) => m.text)).toEqual(['next 3']);

			const all = n8n.emitted();
			expect(all).toHaveLength(1 + 6000 + 4);
			expect(new Set(all.map((m) => m.id)).size).toBe(all.length);
			// The missed messages, across executions, came oldest first.
			const backlog = all.filter((m) => m.text.startsWith('missed')).map((m) => Date.parse(m.timestamp));
			expect(backlog).toEqual([...backlog].sort((a, b) => a - b));
			expect(n8n.staticData.pending).toBeUndefined();
		} finally {
			await n8n.close();
			await sim.close();
		}
	}, 120_000);
});

describe.each(Object.keys(PROVIDERS))('%s instant trigger', (name) => {
	const { listPath } = providers[name];
	let sim;
	let n8n;
	afterEach(async () => {
		await n8n.close();
		await sim.close();
	});

	test('a delivery lost between two delivered ones is recovered by the first delivery after the Gap Check Interval', async () => {
		({ sim, n8n } = await setup(name, { options: { gapCheckMinutes: 5 } }));
		await n8n.activate();
		// A minute apart: what finds the lost one is the history point, not a tolerance around the last delivery.
		await sim.webhooks.deliver({ ...inbound(CONTACTS[0], 'one'), timestamp: later(60_000) });
		sim.webhooks.switches.drop = 1;
		await sim.webhooks.deliver({ ...inbound(CONTACTS[0], 'lost'), timestamp: later(60_000) });
		await sim.webhooks.deliver({ ...inbound(CONTACTS[0], 'two'), timestamp: later(60_000) });
		expect(texts(n8n)).toEqual(['one', 'two']);
		// Within the interval: no history read.
		pass(4);
		await sim.webhooks.deliver({ ...inbound(CONTACTS[0], 'three'), timestamp: later(60_000) });
		expect(sim.requestsTo(listPath)).toHaveLength(0);
		expect(texts(n8n)).toEqual(['one', 'two', 'three']);
		// Past it: the next delivery reads the history from the history point (deliveries never moved it).
		pass(2);
		await sim.webhooks.deliver({ ...inbound(CONTACTS[0], 'four'), timestamp: later(60_000) });
		expect(texts(n8n)).toEqual(['one', 'two', 'three', 'lost', 'four']);
		expect(n8n.executions[3].items.map((m) => m.text)).toEqual(['lost', 'four']);
		expect(sim.requestsTo(listPath).length).toBeGreaterThan(0);
	});

	test('a message that reaches the history late (its time before the history point) is emitted once by the next check; one older than the overlap is not', async () => {
		({ sim, n8n } = await setup(name, { options: { gapCheckMinutes: 5 } }));
		await n8n.activate();
		await sim.webhooks.deliver({ ...inbound(CONTACTS[0], 'a'), timestamp: later(30 * 60_000) });
		pass(6);
		await sim.webhooks.deliver({ ...inbound(CONTACTS[0], 'b'), timestamp: later(60_000) });
		const point = Date.parse(n8n.staticData.history);
		expect(point).toBe(Date.parse(n8n.emitted()[1].timestamp));
		// From a phone that was offline: stored now, with the times they were written.
		sim.add(sim.makeMessage({ timestamp: point - 5 * 60_000, direction: 'inbound', business: BUSINESS, contact: CONTACTS[0], text: 'late by 5 minutes' }));
		sim.add(sim.makeMessage({ timestamp: point - 15 * 60_000, direction: 'inbound', business: BUSINESS, contact: CONTACTS[0], text: 'late by 15 minutes' }));
		pass(6);
		await sim.webhooks.deliver({ ...inbound(CONTACTS[0], 'c'), timestamp: later(60_000) });
		expect(texts(n8n)).toEqual(['a', 'b', 'late by 5 minutes', 'c']);
		pass(6);
		await sim.webhooks.deliver({ ...inbound(CONTACTS[0], 'd'), timestamp: later(60_000) });
		expect(texts(n8n)).toEqual(['a', 'b', 'late by 5 minutes', 'c', 'd']);
	});

	test('several webhook processes taking turns: a catch-up when a process first appears (or restarted), none while they take turns', async () => {
		const { PROCESS } = require('../../dist/nodes/shared/instant/ledger');
		({ sim, n8n } = await setup(name));
		await n8n.activate();
		await sim.webhooks.deliver(inbound(CONTACTS[0], 'a'));
		const withProcesses = (processes) => (n8n.stored = JSON.stringify({ ...JSON.parse(n8n.stored), processes }));
		// Another webhook process handled the last delivery; this one is known: no history read.
		withProcesses([PROCESS, 'other-process']);
		sim.clearRequests();
		await sim.webhooks.deliver(inbound(CONTACTS[0], 'b'));
		expect(sim.requestsTo(listPath)).toHaveLength(0);
		// Deliveries before were handled by processes this one is not among (it was restarted): it catches up.
		withProcesses(['other-process']);
		await sim.webhooks.deliver(inbound(CONTACTS[0], 'c'));
		expect(sim.requestsTo(listPath).length).toBeGreaterThan(0);
		expect(n8n.staticData.processes).toEqual(['other-process', PROCESS]);
		expect(texts(n8n)).toEqual(['a', 'b', 'c']);
	});

	test('static data is written only when something changed: duplicates, status events and filtered-out messages write nothing', async () => {
		({ sim, n8n } = await setup(name, { filters: { contactNumber: CONTACTS[1] } }));
		await n8n.activate();
		await sim.webhooks.deliver(inbound(CONTACTS[1], 'first'));
		const writes = n8n.writes;
		const [first] = sim.messages;
		await sim.webhooks.deliver(first, { store: false });
		await sim.webhooks.deliverStatus(first, 'read');
		await sim.webhooks.deliver(inbound(CONTACTS[0], 'another contact'));
		expect(n8n.writes).toBe(writes);
		await sim.webhooks.deliver(inbound(CONTACTS[1], 'second'));
		expect(n8n.writes).toBe(writes + 1);
		expect(texts(n8n)).toEqual(['first', 'second']);
	});
});

describe('DoubleTick: a delivery whose id is not the history\'s', () => {
	test('catch-up recognises the delivered message in the history by contact, direction, time and text: nothing emitted twice', async () => {
		const { sim, n8n } = await setup('doubletick');
		try {
			await n8n.activate();
			sim.webhooks.switches.deliveryIdsDiffer = true;
			const [one] = await sim.webhooks.deliver(inbound(CONTACTS[0], 'delivered'));
			expect(n8n.emitted()[0].id).not.toBe(one.messageId);
			await n8n.restart(async () => {
				await sim.webhooks.deliver(inbound(CONTACTS[0], 'missed'));
			});
			await sim.webhooks.deliver(inbound(CONTACTS[0], 'after'));
			expect(texts(n8n)).toEqual(['delivered', 'missed', 'after']);
			// The same text again a minute later is another message.
			await n8n.restart(async () => {
				await sim.webhooks.deliver({ ...inbound(CONTACTS[0], 'delivered'), timestamp: later(60_000) });
			});
			await sim.webhooks.deliver(inbound(CONTACTS[0], 'last'));
			expect(texts(n8n)).toEqual(['delivered', 'missed', 'after', 'delivered', 'last']);
		} finally {
			await n8n.close();
			await sim.close();
		}
	});
});

describe('a message whose record does not tell its direction', () => {
	const unknown = (text) => ({ ...inbound(CONTACTS[0], text), odd: { noDirection: true } });

	test.each([
		['inbound', ['known', 'after']],
		['any', ['unknown, delivered', 'known', 'unknown, missed', 'after']],
	])('2Chat, Event = %s: delivered or caught up, it starts only Any Message', async (event, want) => {
		const { sim, n8n } = await setup('twochat', { event });
		try {
			await n8n.activate();
			await sim.webhooks.deliver(unknown('unknown, delivered'));
			await sim.webhooks.deliver(inbound(CONTACTS[0], 'known'));
			await n8n.restart(async () => {
				sim.add(sim.makeMessage(unknown('unknown, missed')));
			});
			await sim.webhooks.deliver(inbound(CONTACTS[0], 'after'));
			expect(texts(n8n)).toEqual(want);
			// The item itself has no unknown direction: it says inbound (the contract's shape).
			if (event === 'any') expect(n8n.emitted()[0].direction).toBe('inbound');
		} finally {
			await n8n.close();
			await sim.close();
		}
	});
});

describe('webhook secrets stay out of errors and logs', () => {
	test('2Chat: a provider error that echoes the callback URL shows no token; neither does the log of a failed removal', async () => {
		const { sim, n8n } = await setup('twochat');
		try {
			const echo = (status) => {
				const rule = sim.fault({ path: /^\/open\/webhooks\/subscribe\//, status, onRequest: (r) => (rule.body = { success: false, message: `invalid hook_url ${r.body.hook_url}` }) });
			};
			echo(400);
			let error;
			await n8n.activate().catch((e) => (error = e));
			const shown = [error.message, error.description, JSON.stringify(error)].join('\n');
			expect(shown).toContain('token=[redacted]');
			expect(shown).not.toMatch(/token=[0-9a-f]{48}/);

			await n8n.activate();
			const secret = n8n.staticData.live.secret;
			const rule = sim.fault({ method: 'DELETE', path: /^\/open\/webhooks\//, status: 400, onRequest: () => (rule.body = { success: false, message: `cannot delete ${sim.webhooks.registrations()[0].url}` }) });
			await n8n.deactivate();
			const logged = n8n.logs.map(([, m]) => m).join('\n');
			expect(logged).toContain('could not remove the webhook registration');
			expect(logged).not.toContain(secret);
		} finally {
			await n8n.close();
			await sim.close();
		}
	});
});

describe('per-process memory', () => {
	const { Ledger, memoryCount } = require('../../dist/nodes/shared/instant/ledger');
	const wa = { catchUpPerContact: false };
	const ctx = (id) => ({ getWorkflow: () => ({ id: 'wf' }), getNode: () => ({ id }) });
	const message = { id: 'm-1', timestamp: new Date().toISOString(), direction: 'inbound', contactNumber: CONTACTS[0] };

	test('bounded: idle registrations are dropped, least recently used first; one still receiving never is', () => {
		{
			// A registration still receiving: its request has not ended.
			const busy = Ledger.open(ctx('busy'), {}, wa, 'secret-busy', false);
			busy.takeDelivered([message], () => true);
			for (let i = 0; i < 300; i++) Ledger.open(ctx(`idle-${i}`), {}, wa, `secret-${i}`, false).close();
			expect(memoryCount()).toBeGreaterThanOrEqual(301);
			// Eleven idle minutes later, one more registration: the idle ones beyond the bound go.
			pass(11);
			Ledger.open(ctx('new'), {}, wa, 'secret-new', false).close();
			expect(memoryCount()).toBeLessThanOrEqual(200);
			const again = Ledger.open(ctx('busy'), {}, wa, 'secret-busy', false);
			expect(again.known(message)).toBe(true);
			again.close();
			busy.close();
		}
	});
});
