// Wait for Quiet and the transcript output of the instant triggers, driven through real HTTP (the local provider servers
// deliver to the n8n stand-in of test/helpers/miniN8n.js) on time that moves only when a test says so: the node's
// quiet clock is replaced (quiet.ts exports it for this), so no test waits on the wall clock and a check that "nothing
// more happened" runs once every request has ended or is waiting for its quiet period.
// An n8n process is a fresh copy of the package's modules (its own memory and clock): a restart replaces it, and two
// of them share one "database" (static data) behind a round-robin front, as two webhook processes in queue mode do.
const http = require('http');
const { startWebhookSimulator } = require('../simulators/webhooks');
const { MiniN8n } = require('../helpers/miniN8n');
const { BUSINESS, CONTACTS } = require('../helpers/providers');

const KEY = 'test-key-quiet';
const QUIET = 8; // seconds
const [A, B, C] = CONTACTS;

const NODES = {
	twochat: { dir: 'TwoChat', provider: '2chat', listPath: '/open/whatsapp/messages' },
	chirp: { dir: 'Chirp', provider: 'chirp', listPath: '/v1/organization/whatsapp/messages' },
	doubletick: { dir: 'DoubleTick', provider: 'doubletick', listPath: '/chat-messages' },
	ninetyninedigital: { dir: 'NinetyNineDigital', provider: '99digital', listPath: '/whatsapp/v2/getHistory' },
};

/** One n8n process: a fresh copy of the package's modules, with its quiet clock on the test's time. */
function startProcess(name, time) {
	const { dir } = NODES[name];
	let nodeClass;
	let quiet;
	jest.isolateModules(() => {
		nodeClass = Object.values(require(`../../dist/nodes/${dir}/${dir}InstantTrigger.node`))[0];
		quiet = require('../../dist/nodes/shared/instant/quiet');
	});
	time.install(quiet.quietClock);
	return nodeClass;
}

/** Time that moves when the test says: waits end in order of their due time, each followed by a calm event loop. */
function fakeTime() {
	const time = { now: Math.ceil(Date.now() / 1000) * 1000, waits: [], instances: [], dead: new Set(), lastMessage: 0 };
	time.install = (clock) => {
		clock.now = () => time.now;
		clock.sleep = (ms) => new Promise((resolve) => time.waits.push({ due: time.now + ms, resolve }));
	};
	/** Resolves once every request of the live n8n processes has ended or waits for its quiet period. */
	time.settled = async () => {
		for (let calm = 0; calm < 3; ) {
			await new Promise((r) => setImmediate(r));
			const busy = time.instances.reduce((n, x) => n + [...x.pending].filter((p) => !time.dead.has(p)).length, 0);
			calm = busy === time.waits.length ? calm + 1 : 0;
		}
	};
	time.advance = async (ms) => {
		const target = time.now + ms;
		for (;;) {
			await time.settled();
			const next = time.waits.filter((w) => w.due <= target).sort((a, b) => a.due - b.due)[0];
			if (!next) break;
			time.now = Math.max(time.now, next.due);
			time.waits.splice(time.waits.indexOf(next), 1);
			next.resolve();
		}
		time.now = target;
		await time.settled();
	};
	/** A new inbound message typed now (whole seconds, each after the previous one: some providers keep only seconds). */
	time.say = (contact, text, extra = {}) => {
		time.lastMessage = Math.max(time.lastMessage + 1000, Math.ceil(time.now / 1000) * 1000);
		return { timestamp: time.lastMessage, direction: 'inbound', business: BUSINESS, contact, text, ...extra };
	};
	return time;
}

async function setup(name, options = {}) {
	const time = fakeTime();
	const sim = await startWebhookSimulator(name, { apiKey: KEY });
	const credentials = { apiKey: KEY, baseUrl: sim.url };
	if (name === 'chirp') credentials.appApiKey = sim.webhooks.appKey;
	const n8n = await new MiniN8n({
		nodeClass: startProcess(name, time),
		parameters: { businessNumber: BUSINESS, event: 'inbound', options: { waitForQuiet: QUIET, ...options } },
		credentials,
	}).start();
	time.instances.push(n8n);
	return { time, sim, n8n };
}

const texts = (n8n) => n8n.executions.map((e) => e.items.map((m) => m.text));

describe.each(Object.keys(NODES))('%s instant trigger, Wait for Quiet', (name) => {
	const { provider, listPath } = NODES[name];
	let time;
	let sim;
	let n8n;
	beforeEach(async () => {
		({ time, sim, n8n } = await setup(name));
		await n8n.activate();
	});
	afterEach(async () => {
		await n8n.close();
		await sim.close();
	});

	test('a burst of 4 then silence: one execution with the 4 messages, oldest first, the quiet period after the last one; the provider is answered at once', async () => {
		sim.clearRequests();
		const burst = ['Hi', 'I ordered yesterday', 'order 1042', 'where is it?'];
		for (const [i, text] of burst.entries()) {
			const [d] = await sim.webhooks.deliver(time.say(A, text));
			expect(d.attempts.map((a) => [a.status, a.body])).toEqual([[200, '{"received":true}']]);
			if (i < burst.length - 1) await time.advance(2000);
		}
		await time.advance(QUIET * 1000 - 1);
		expect(n8n.executions).toHaveLength(0);
		await time.advance(1);
		expect(texts(n8n)).toEqual([burst]);
		expect(n8n.executions[0].items.every((m) => m.provider === provider && m.contactNumber === A && m.businessNumber === BUSINESS && m.direction === 'inbound')).toBe(true);
		// The earlier deliveries saw a later one waiting in this process; only the last read the history (one page).
		expect(sim.requestsTo(listPath)).toHaveLength(1);
		// A provider retry of the newest message later starts nothing.
		await sim.webhooks.deliver(sim.messages[0], { store: false });
		await time.advance(QUIET * 1000);
		expect(n8n.executions).toHaveLength(1);
	});

	test('two contacts typing at the same time: two executions, each with its own messages only', async () => {
		for (const [contact, text] of [[A, 'a1'], [B, 'b1'], [A, 'a2'], [B, 'b2'], [A, 'a3']]) {
			await sim.webhooks.deliver(time.say(contact, text));
			await time.advance(1000);
		}
		await time.advance(QUIET * 1000);
		expect(texts(n8n).sort()).toEqual([['a1', 'a2', 'a3'], ['b1', 'b2']]);
	});

	test('a message just before the quiet period ends extends it', async () => {
		await sim.webhooks.deliver(time.say(A, 'first'));
		await time.advance(QUIET * 1000 - 100);
		await sim.webhooks.deliver(time.say(A, 'just in time'));
		await time.advance(100);
		// The first delivery's wait is over: a newer message of the contact waits, so it starts nothing.
		expect(n8n.executions).toHaveLength(0);
		await time.advance(QUIET * 1000 - 100 - 1);
		expect(n8n.executions).toHaveLength(0);
		await time.advance(1);
		expect(texts(n8n)).toEqual([['first', 'just in time']]);
	});

	test('every delivery sent twice during the wait: one execution, each message once', async () => {
		sim.webhooks.switches.duplicate = true;
		for (const text of ['one', 'two', 'three']) {
			const [d] = await sim.webhooks.deliver(time.say(A, text));
			expect(d.attempts.map((a) => a.status)).toEqual([200, 200]);
			await time.advance(1000);
		}
		await time.advance(QUIET * 1000);
		expect(texts(n8n)).toEqual([['one', 'two', 'three']]);
	});

	test('a delivery lost in the middle of a burst is still in it (read from the history)', async () => {
		await sim.webhooks.deliver(time.say(A, 'delivered 1'));
		sim.webhooks.switches.drop = 1;
		await sim.webhooks.deliver(time.say(A, 'lost'));
		await sim.webhooks.deliver(time.say(A, 'delivered 2'));
		await time.advance(QUIET * 1000);
		expect(texts(n8n)).toEqual([['delivered 1', 'lost', 'delivered 2']]);
	});

	test('n8n restarted during the wait: the burst reaches the workflow exactly once, with the next message of the contact', async () => {
		await sim.webhooks.deliver(time.say(A, 'before'));
		await time.advance(QUIET * 1000);
		expect(texts(n8n)).toEqual([['before']]);
		for (const text of ['held 1', 'held 2', 'held 3']) {
			await sim.webhooks.deliver(time.say(A, text));
			await time.advance(1000);
		}
		// The process dies with three requests waiting; n8n starts again (a new process) and checks the registration.
		for (const p of n8n.pending) time.dead.add(p);
		time.waits.length = 0;
		n8n.node = new (startProcess(name, time))();
		await n8n.restart();
		await time.advance(60_000);
		await sim.webhooks.deliver(time.say(A, 'after the restart'));
		await time.advance(QUIET * 1000);
		expect(texts(n8n)).toEqual([['before'], ['held 1', 'held 2', 'held 3', 'after the restart']]);
		await sim.webhooks.deliver(time.say(A, 'later'));
		await time.advance(QUIET * 1000);
		expect(texts(n8n).slice(2)).toEqual([['later']]);
	});
});

describe('Wait for Quiet: restarts, other contacts, two webhook processes, test runs', () => {
	test.each(['twochat', 'chirp', 'ninetyninedigital'])(
		'%s: n8n restarted during the wait while another contact was emitted: the next delivery of anyone brings the held burst, once',
		async (name) => {
			const { time, sim, n8n } = await setup(name);
			try {
				await n8n.activate();
				await sim.webhooks.deliver(time.say(C, 'earlier'));
				await time.advance(QUIET * 1000);
				// A keeps typing (each message within the quiet period of the one before) while B's message, more than
				// the catch-up's 5 s of overlap after A's first one, is emitted by the same process, then retried by the
				// provider. After the restart A's burst is found whole: the catch-up reads A's newer messages, and the
				// gather reads A's history back to A's previous burst (or to when the trigger started waiting).
				await sim.webhooks.deliver(time.say(A, 'held 1'));
				await time.advance(6000);
				await sim.webhooks.deliver(time.say(A, 'held 2'));
				await time.advance(1000);
				await sim.webhooks.deliver(time.say(B, 'b alone'));
				await time.advance(5000);
				await sim.webhooks.deliver(time.say(A, 'held 3'));
				await time.advance(QUIET * 1000 - 4000);
				expect(texts(n8n)).toEqual([['earlier'], ['b alone']]);
				await sim.webhooks.deliver(sim.messages.find((r) => JSON.stringify(r).includes('b alone')), { store: false });
				await time.advance(100);
				for (const p of n8n.pending) time.dead.add(p);
				time.waits.length = 0;
				n8n.node = new (startProcess(name, time))();
				await n8n.restart();
				await time.advance(60_000);
				await sim.webhooks.deliver(time.say(C, 'c after the restart'));
				await time.advance(QUIET * 1000);
				const after = n8n.executions.slice(2).flatMap((e) => e.items.map((m) => m.text));
				expect(after.sort()).toEqual(['c after the restart', 'held 1', 'held 2', 'held 3']);
				expect(n8n.executions).toHaveLength(3);
				await sim.webhooks.deliver(time.say(A, 'a later'));
				await time.advance(QUIET * 1000);
				expect(texts(n8n).slice(3)).toEqual([['a later']]);
			} finally {
				await n8n.close();
				await sim.close();
			}
		},
	);

	test('two webhook processes (queue mode) share the deliveries of three contacts round-robin: one execution per burst', async () => {
		const time = fakeTime();
		const sim = await startWebhookSimulator('twochat', { apiKey: KEY });
		const parameters = { businessNumber: BUSINESS, event: 'inbound', options: { waitForQuiet: QUIET } };
		const credentials = { apiKey: KEY, baseUrl: sim.url };
		const one = await new MiniN8n({ nodeClass: startProcess('twochat', time), parameters, credentials }).start();
		const two = await new MiniN8n({ nodeClass: startProcess('twochat', time), parameters, credentials }).start();
		// One database: both processes load and save the same static data; one node, one webhook path.
		const db = { stored: '{}' };
		for (const x of [one, two]) Object.defineProperty(x, 'stored', { get: () => db.stored, set: (v) => (db.stored = v) });
		two.nodeData = one.nodeData;
		let turn = 0;
		const front = http.createServer((req, res) => {
			const target = turn++ % 2 ? two : one;
			const p = target.handle(req, res).finally(() => target.pending.delete(p));
			target.pending.add(p);
		});
		await new Promise((r) => front.listen(0, '127.0.0.1', r));
		one.base = `http://127.0.0.1:${front.address().port}`;
		two.base = one.base;
		time.instances.push(one, two);
		try {
			await one.activate();
			two.active = true;
			for (const [contact, text] of [[A, 'a1'], [B, 'b1'], [A, 'a2'], [C, 'c1'], [A, 'a3'], [B, 'b2'], [A, 'a4'], [C, 'c2']]) {
				await sim.webhooks.deliver(time.say(contact, text));
				await time.advance(1500);
			}
			await time.advance(QUIET * 1000);
			const executions = [...one.executions, ...two.executions].map((e) => e.items.map((m) => m.text));
			expect(executions.sort()).toEqual([['a1', 'a2', 'a3', 'a4'], ['b1', 'b2'], ['c1', 'c2']]);
			// Each process carried at least one burst: the deliveries really were split.
			expect(one.responses.length).toBeGreaterThan(0);
			expect(two.responses.length).toBeGreaterThan(0);
		} finally {
			front.closeAllConnections();
			await new Promise((r) => front.close(r));
			await one.close();
			await two.close();
			await sim.close();
		}
	});

	test('"Listen for test event" waits for quiet too: one test execution with the burst', async () => {
		const { time, sim, n8n } = await setup('twochat');
		try {
			await n8n.listen();
			for (const text of ['test 1', 'test 2']) {
				await sim.webhooks.deliver(time.say(A, text));
				await time.advance(1000);
			}
			await time.advance(QUIET * 1000);
			expect(n8n.executions.map((e) => [e.manual, e.items.map((m) => m.text)])).toEqual([[true, ['test 1', 'test 2']]]);
		} finally {
			await n8n.close();
			await sim.close();
		}
	});

	test('a Wait for Quiet over 300 seconds is refused at activation, naming the option', async () => {
		const { sim, n8n } = await setup('twochat', { waitForQuiet: 301 });
		try {
			await expect(n8n.activate()).rejects.toThrow('"Wait for Quiet (Seconds)" (waitForQuiet): 301');
			expect(sim.webhooks.registrations()).toEqual([]);
		} finally {
			await n8n.close();
			await sim.close();
		}
	});
});

describe('DoubleTick deliveries whose id is not the history\'s (deliveryIdsDiffer)', () => {
	test('Wait for Quiet: each burst once, no message twice; a transcript shows no message twice as its own context', async () => {
		const { time, sim, n8n } = await setup('doubletick', { outputFormat: 'messages' });
		try {
			sim.webhooks.switches.deliveryIdsDiffer = true;
			await n8n.activate();
			for (const text of ['one', 'two']) {
				await sim.webhooks.deliver(time.say(A, text));
				await time.advance(2000);
			}
			await time.advance(QUIET * 1000);
			expect(texts(n8n)).toEqual([['one', 'two']]);
			// The next burst reads back to the last one: the history's copies of "one" and "two" are not emitted again.
			await time.advance(60_000);
			await sim.webhooks.deliver(time.say(A, 'later'));
			await time.advance(QUIET * 1000 + 1000);
			expect(texts(n8n)).toEqual([['one', 'two'], ['later']]);
		} finally {
			await n8n.close();
			await sim.close();
		}
		const t = await setup('doubletick', { waitForQuiet: 0, outputFormat: 'transcript', contextMessages: 5 });
		try {
			t.sim.webhooks.switches.deliveryIdsDiffer = true;
			await t.n8n.activate();
			await t.sim.webhooks.deliver(t.time.say(A, 'hello'));
			await t.time.settled();
			const [item] = t.n8n.executions[0].items;
			expect(item).toMatchObject({ messageCount: 1, newMessageCount: 1 });
			expect(item.transcript.split('\n')).toHaveLength(1);
		} finally {
			await t.n8n.close();
			await t.sim.close();
		}
	});
});

describe('transcript output of the instant triggers', () => {
	/** Earlier conversation with contact A (both sides), before the trigger's messages. */
	function earlier(sim, time) {
		const lines = [
			['inbound', 'Hello, is the blue one in stock?'],
			['outbound', 'Yes, we have it.'],
			['inbound', 'Great, I will order it'],
			['outbound', 'Thank you!'],
			['inbound', 'Ordered'],
		];
		const start = time.now - 3600_000;
		sim.add(lines.map(([direction, text], i) => sim.makeMessage({ timestamp: start + i * 60_000, direction, business: BUSINESS, contact: A, text, senderName: direction === 'outbound' ? 'Dana' : null })));
	}

	test.each(Object.keys(NODES))('%s: a burst of 4 with 3 context messages: one item, newMessageCount 4, the context first', async (name) => {
		const { time, sim, n8n } = await setup(name, { outputFormat: 'transcript', contextMessages: 3 });
		try {
			earlier(sim, time);
			await n8n.activate();
			const burst = ['Hi', 'I ordered yesterday', 'order 1042', 'where is it?'];
			for (const text of burst) {
				await sim.webhooks.deliver(time.say(A, text));
				await time.advance(2000);
			}
			await time.advance(QUIET * 1000);
			expect(n8n.executions).toHaveLength(1);
			const [item] = n8n.executions[0].items;
			expect(item).toMatchObject({ provider: NODES[name].provider, businessNumber: BUSINESS, contactNumber: A, messageCount: 7, newMessageCount: 4 });
			const lines = item.transcript.split('\n');
			expect(lines.map((l) => l.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d /, ''))).toEqual([
				expect.stringMatching(/: Great, I will order it$/),
				expect.stringMatching(/^(Dana|Business): Thank you!$/),
				expect.stringMatching(/: Ordered$/),
				...burst.map((t) => expect.stringMatching(new RegExp(`: ${t.replace('?', '\\?')}$`))),
			]);
			expect(item.newMessages).toBe(lines.slice(3).join('\n'));
			expect(item.transcript.endsWith(item.newMessages)).toBe(true);
			expect(Date.parse(item.lastTimestamp)).toBe(time.lastMessage);
		} finally {
			await n8n.close();
			await sim.close();
		}
	});

	test('without Wait for Quiet: one transcript item per delivery, with its context', async () => {
		const { time, sim, n8n } = await setup('twochat', { waitForQuiet: 0, outputFormat: 'transcript', contextMessages: 2 });
		try {
			earlier(sim, time);
			await n8n.activate();
			await sim.webhooks.deliver(time.say(A, 'one more question'));
			await time.settled();
			expect(n8n.executions).toHaveLength(1);
			const [item] = n8n.executions[0].items;
			expect(item).toMatchObject({ contactNumber: A, messageCount: 3, newMessageCount: 1 });
			expect(item.transcript.split('\n')[0]).toMatch(/(Dana|Business): Thank you!$/);
			expect(item.newMessages).toMatch(/: one more question$/);
		} finally {
			await n8n.close();
			await sim.close();
		}
	});
});
