// List Conversations and Get Many → Transcript per Contact, for every provider against its local server (the
// script in test/helpers/conversations.js: a contact who wrote after our last reply, one we answered, one with only
// outbound messages, contacts without a name, messages without a time), field-exact; Awaiting Reply with and
// without dates; Limit counting conversations; the AI-tool call; bad input. Then the aggregator's rules alone.
const { NodeOperationError } = require('n8n-workflow');
const { startSimulator } = require('../simulators');
const { makeContext } = require('../helpers/context');
const { providers } = require('../helpers/providers');
const { seedConversations, BUSINESS, PEOPLE, NAMES, MIN, HOUR, DAY } = require('../helpers/conversations');
const { ConversationAggregator, replacesLast, newestActivityFirst } = require('../../dist/nodes/shared/conversations');
const { conversationWindow, isOn } = require('../../dist/nodes/shared/actions/operations/listConversations.operation');
const { groupByContact } = require('../../dist/nodes/shared/transcriptPerContact');

const KEY = 'sk_admin_conversations-key-1122334455';
const ITEM_FIELDS = ['provider', 'businessNumber', 'contactNumber', 'contactName', 'conversationId', 'lastMessage', 'lastTimestamp', 'lastDirection', 'awaitingReply', 'awaitingSince', 'messageCount', 'inboundCount', 'outboundCount'].sort();
const TRANSCRIPT_FIELDS = ['provider', 'businessNumber', 'contactNumber', 'contactName', 'messageCount', 'firstTimestamp', 'lastTimestamp', 'transcript'].sort();
const NAMED = new Set(['twochat', 'chirp']);

describe.each(Object.keys(providers))('%s', (name) => {
	const p = providers[name];
	let sim;
	let s;
	/** Every message of the script as Get Conversation returns it (no dates: untimed ones included), by id. */
	let byId;
	beforeAll(async () => {
		sim = await startSimulator(name, { apiKey: KEY });
		s = seedConversations(sim);
		byId = new Map();
		// Without dates, so that messages without a time are read too (DoubleTick: its default 30 days).
		for (const contact of Object.values(PEOPLE)) {
			for (const o of await run({ operation: 'getConversation', contactNumber: contact, returnAll: true })) byId.set(o.json.id, o.json);
		}
		expect(byId.size).toBe(Object.keys(s.ids).length);
	});
	afterAll(() => sim.close());

	const iso = (ms) => new Date(ms).toISOString();
	const contactNumbers = Object.values(PEOPLE).join(', ');
	function context(parameters, more = {}) {
		const ctx = makeContext({
			nodeClass: p.nodeClass,
			parameters: { businessNumber: '972 50-123-4567', ...(parameters.operation === 'listConversations' ? { contactNumbers } : {}), ...parameters },
			credentials: { apiKey: KEY, baseUrl: sim.url },
			...more,
		});
		return ctx;
	}
	async function run(parameters, more) {
		const [out] = await context(parameters, more).run();
		return out;
	}
	const list = (parameters = {}) => run({ operation: 'listConversations', returnAll: true, ...parameters });

	/** The conversation item the contract asks for, from the script alone (lastMessage: the message as read). */
	function expected(person, { last, since, counts }) {
		const lastMessage = byId.get(s.ids[last]);
		expect(lastMessage).toBeDefined();
		return {
			provider: p.provider,
			businessNumber: BUSINESS,
			contactNumber: PEOPLE[person],
			contactName: NAMED.has(name) ? (NAMES[person] ?? null) : null,
			conversationId: lastMessage.conversationId,
			lastMessage,
			lastTimestamp: s.at[last],
			lastDirection: s.dir[last],
			awaitingReply: since !== undefined,
			awaitingSince: since === undefined || since === null ? null : s.at[since],
			messageCount: counts[0],
			inboundCount: counts[1],
			outboundCount: counts[2],
		};
	}

	test('no dates: the last 7 days, one item per contact, newest activity first, field-exact', async () => {
		const out = await list();
		for (const o of out) {
			expect(Object.keys(o.json).sort()).toEqual(ITEM_FIELDS);
			expect(o.pairedItem).toEqual({ item: 0 });
		}
		expect(out.map((o) => o.json)).toEqual([
			expected('N', { last: 'n1', since: 'n1', counts: [1, 1, 0] }),
			expected('R', { last: 'r2', counts: [2, 1, 1] }),
			expected('M', { last: 'm2', counts: [2, 0, 2] }),
			expected('Y', { last: 'y2', counts: [2, 1, 1] }),
			// The outbound message without a time is counted, is not "last" and does not end the wait.
			expected('A', { last: 'a4', since: 'a3', counts: [5, 3, 2] }),
			// A conversation whose messages all lack a time comes last; it waits, since when is unknown.
			expected('U', { last: 'u1', since: null, counts: [1, 1, 0] }),
		]);
		expect(out[0].json.lastDirection).toBe('inbound');
		expect(out[1].json.lastDirection).toBe('outbound');
		if (name === 'twochat') expect(out[4].json.conversationId).toMatch(/-972502222222@c\.us$/);
	});

	test('Awaiting Reply without dates: the customers whose last message is theirs', async () => {
		const out = await list({ filters: { awaitingReply: true } });
		expect(out.map((o) => o.json)).toEqual([
			expected('N', { last: 'n1', since: 'n1', counts: [1, 1, 0] }),
			expected('A', { last: 'a4', since: 'a3', counts: [5, 3, 2] }),
			expected('U', { last: 'u1', since: null, counts: [1, 1, 0] }),
		]);
	});

	test('dates: only the window (messages without a time left out, as on every read with dates)', async () => {
		const filters = { startDate: iso(s.now - 3 * DAY), endDate: iso(s.now - 45 * MIN) };
		const out = await list({ filters });
		expect(out.map((o) => o.json)).toEqual([
			expected('Y', { last: 'y2', counts: [2, 1, 1] }),
			// Rina's answer came after Received Before: in this window she is still waiting.
			expected('R', { last: 'r1', since: 'r1', counts: [1, 1, 0] }),
			expected('A', { last: 'a4', since: 'a3', counts: [4, 3, 1] }),
			expected('M', { last: 'm1', counts: [1, 0, 1] }),
		]);
	});

	test('Awaiting Reply with Received Before = now − 45 min: waiting that long, a later reply counts as an answer', async () => {
		const out = await list({ filters: { awaitingReply: true, startDate: iso(s.now - 3 * DAY), endDate: iso(s.now - 45 * MIN) } });
		expect(out.map((o) => o.json)).toEqual([expected('A', { last: 'a4', since: 'a3', counts: [4, 3, 1] })]);
	});

	test('Awaiting Reply with Received After only: the wait starts at the window when our last reply is older', async () => {
		const out = await list({ filters: { awaitingReply: 'true', startDate: iso(s.now - 100 * MIN) } });
		expect(out.map((o) => o.json)).toEqual([
			expected('N', { last: 'n1', since: 'n1', counts: [1, 1, 0] }),
			expected('A', { last: 'a4', since: 'a4', counts: [1, 1, 0] }),
		]);
	});

	test('Limit counts conversations, not messages', async () => {
		const out = await list({ returnAll: false, limit: 2 });
		expect(out.map((o) => o.json.contactNumber)).toEqual([PEOPLE.N, PEOPLE.R]);
		const waiting = await list({ returnAll: false, limit: 1, filters: { awaitingReply: true } });
		expect(waiting.map((o) => o.json.contactNumber)).toEqual([PEOPLE.N]);
	});

	test('Include Raw Data puts the provider object on lastMessage', async () => {
		const [first] = await list({ returnAll: false, limit: 1, options: { includeRaw: true } });
		expect(first.json.lastMessage.raw).toBeDefined();
		expect(first.json.raw).toBeUndefined();
	});

	test('as an AI agent tool: conversation items, not a transcript', async () => {
		const ctx = context({ operation: 'listConversations', returnAll: true, filters: { awaitingReply: 'true' }, options: {} });
		ctx.node.type += 'Tool';
		const [out] = await ctx.run();
		expect(out.map((o) => o.json.contactNumber)).toEqual([PEOPLE.N, PEOPLE.A, PEOPLE.U]);
		expect(Object.keys(out[0].json).sort()).toEqual(ITEM_FIELDS);
	});

	test('Get Many → Transcript per Contact: one transcript per contact, newest conversation first, each the contact\'s own transcript', async () => {
		const filters = { startDate: iso(s.now - 3 * DAY), ...p.getAllFilters(PEOPLE.A) };
		const out = await run({ operation: 'getAll', returnAll: true, filters, options: { outputFormat: 'transcriptPerContact' } });
		const order = p.getAllFilters(PEOPLE.A).contactNumber ? ['A'] : ['N', 'R', 'M', 'Y', 'A'];
		expect(out.map((o) => o.json.contactNumber)).toEqual(order.map((k) => PEOPLE[k]));
		for (const [i, o] of out.entries()) {
			expect(Object.keys(o.json).sort()).toEqual(TRANSCRIPT_FIELDS);
			expect(o.pairedItem).toEqual({ item: 0 });
			// The same item Get Conversation's transcript gives for that contact, with the same filters.
			const [own] = await run({ operation: 'getConversation', contactNumber: PEOPLE[order[i]], returnAll: true, filters: { startDate: filters.startDate }, options: { outputFormat: 'transcript' } });
			expect(o.json).toEqual(own.json);
		}
		const a = out.find((o) => o.json.contactNumber === PEOPLE.A).json;
		expect(a).toMatchObject({ provider: p.provider, businessNumber: BUSINESS, contactName: NAMED.has(name) ? 'Dana Levi' : null, messageCount: 4, firstTimestamp: s.at.a1, lastTimestamp: s.at.a4 });
		const speaker = NAMED.has(name) ? 'Dana Levi' : PEOPLE.A;
		const lines = a.transcript.split('\n');
		expect(lines).toHaveLength(4);
		expect(lines[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d ${speaker.replace('+', '\\+')}: a1: question$`));
		expect(lines[1]).toMatch(/ (Avi|Business): a2: answer$/);
		expect(lines[3]).toMatch(/: a4: question$/);
	});

	test('Transcript per Contact: Limit = the newest N messages, then one transcript per contact', async () => {
		if (p.getAllFilters(PEOPLE.A).contactNumber) return; // DoubleTick's Get Many is one contact
		const out = await run({ operation: 'getAll', returnAll: false, limit: 3, filters: { startDate: iso(s.now - 3 * DAY) }, options: { outputFormat: 'transcriptPerContact' } });
		expect(out.map((o) => [o.json.contactNumber, o.json.messageCount])).toEqual([
			[PEOPLE.N, 1],
			[PEOPLE.R, 1],
			[PEOPLE.M, 1],
		]);
	});

	test.each([
		[{ businessNumber: '' }, /businessNumber/],
		[{ filters: { startDate: '2024-05-02T00:00:00Z', endDate: '2024-05-01T00:00:00Z' } }, /endDate/],
		[{ returnAll: false, limit: 0 }, /limit/],
	])('bad input %j → NodeOperationError before any request', async (parameters, pattern) => {
		if (name === 'chirp' && parameters.businessNumber === '') return; // optional on Chirp
		sim.clearRequests();
		const err = await list(parameters).catch((e) => e);
		expect(err).toBeInstanceOf(NodeOperationError);
		expect(err.message).toMatch(pattern);
		expect(sim.requests).toHaveLength(0);
	});

	test('Transcript per Contact on Get Conversation → NodeOperationError before any request', async () => {
		sim.clearRequests();
		const err = await run({ operation: 'getConversation', contactNumber: PEOPLE.A, options: { outputFormat: 'transcriptPerContact' } }).catch((e) => e);
		expect(err).toBeInstanceOf(NodeOperationError);
		expect(err.message).toMatch(/Get Many/);
		expect(sim.requests).toHaveLength(0);
	});

	if (name === 'doubletick') {
		test('DoubleTick: Contact Numbers required and read one by one; a bad number is named before any request', async () => {
			sim.clearRequests();
			const missing = await list({ contactNumbers: ' , ' }).catch((e) => e);
			expect(missing).toBeInstanceOf(NodeOperationError);
			expect(missing.message).toMatch(/contactNumbers/);
			const bad = await list({ contactNumbers: `${PEOPLE.A}, 050-123` }).catch((e) => e);
			expect(bad).toBeInstanceOf(NodeOperationError);
			expect(bad.message).toMatch(/contactNumbers/);
			expect(sim.requests).toHaveLength(0);
			const out = await list({ contactNumbers: `${PEOPLE.A}; 972-50-333-3333\n+972502222222` });
			expect(out.map((o) => o.json.contactNumber)).toEqual([PEOPLE.Y, PEOPLE.A]);
			const asked = new Set(sim.requests.map((r) => r.query.customerNumber));
			expect([...asked].sort()).toEqual([PEOPLE.A.slice(1), PEOPLE.Y.slice(1)]);
		});

		test('DoubleTick: a contact whose read fails fails the item with the provider\'s error; the other contacts stop', async () => {
			sim.clearRequests();
			const fault = sim.fault({ path: '/chat-messages', status: 404, after: 2, body: { message: 'Customer not found', statusCode: 404 } });
			const err = await list().catch((e) => e);
			sim.clearFaults();
			expect(fault.used).toBe(1);
			expect(err.constructor.name).toBe('NodeApiError');
			expect(String(err.httpCode)).toBe('404');
			expect(err.message).toMatch(/Contact Number \d+/);
			// Seven contacts, two 7-day windows each, when nothing fails.
			expect(sim.requests.length).toBeLessThan(14);
		});
	}
});

describe('the aggregator alone', () => {
	const T = Date.parse('2024-04-02T12:00:00.000Z');
	const msg = (contact, direction, minutes, more = {}) => ({
		id: `${contact}-${direction}-${minutes}`,
		provider: 'chirp',
		conversationId: null,
		direction,
		type: 'text',
		text: 'x',
		media: null,
		location: null,
		timestamp: minutes === null ? null : new Date(T + minutes * 60_000).toISOString(),
		businessNumber: BUSINESS,
		contactNumber: contact,
		contactName: null,
		senderName: null,
		status: null,
		error: null,
		...more,
	});

	test('replacesLast: only a strictly newer timed message replaces the last one', () => {
		expect(replacesLast(2, 1)).toBe(true);
		expect(replacesLast(1, 1)).toBe(false);
		expect(replacesLast(1, 2)).toBe(false);
		expect(replacesLast(null, 1)).toBe(false);
		expect(replacesLast(null, null)).toBe(false);
		expect(replacesLast(1, null)).toBe(true);
	});

	test('newestActivityFirst: newest first, untimed after timed, ties in the order first seen', () => {
		const rows = [
			{ lastMs: 1, seen: 0 },
			{ lastMs: null, seen: 1 },
			{ lastMs: 3, seen: 2 },
			{ lastMs: 3, seen: 3 },
			{ lastMs: null, seen: 4 },
		];
		expect([...rows].sort(newestActivityFirst).map((r) => r.seen)).toEqual([2, 3, 0, 1, 4]);
	});

	test('awaitingSince is the oldest inbound message after our newest reply; untimed messages neither start nor end the wait', () => {
		const a = new ConversationAggregator('chirp', BUSINESS);
		for (const m of [msg('+1', 'inbound', 50), msg('+1', 'outbound', null), msg('+1', 'inbound', 40), msg('+1', 'inbound', null), msg('+1', 'outbound', 30), msg('+1', 'inbound', 20)]) a.add(m);
		const [item] = a.items();
		expect(item).toMatchObject({ awaitingReply: true, awaitingSince: new Date(T + 40 * 60_000).toISOString(), messageCount: 6, inboundCount: 4, outboundCount: 2 });
		expect(item.lastMessage.id).toBe('+1-inbound-50');
	});

	test('a name from any message of the contact; a reply after the window ends the wait only for waiting()', () => {
		const a = new ConversationAggregator('chirp', BUSINESS);
		a.markRepliedAfterWindow(msg('+1', 'outbound', 90));
		a.markRepliedAfterWindow(msg('+2', 'inbound', 95));
		a.add(msg('+1', 'inbound', 60));
		a.add(msg('+2', 'inbound', 50));
		a.add(msg('+2', 'outbound', 40, { contactName: 'Named Later' }));
		a.add(msg('+2', 'inbound', 30, { contactName: 'Older Name' }));
		expect(a.items().map((i) => [i.contactNumber, i.awaitingReply, i.contactName])).toEqual([
			['+1', true, null],
			['+2', true, 'Named Later'],
		]);
		expect(a.waiting().map((i) => i.contactNumber)).toEqual(['+2']);
		expect(a.size).toBe(2);
	});

	test('the same contact with two business numbers is two conversations; a message without a business number takes the read\'s', () => {
		const a = new ConversationAggregator('chirp', BUSINESS);
		a.add(msg('+1', 'inbound', 10));
		a.add(msg('+1', 'inbound', 5, { businessNumber: null }));
		a.add(msg('+1', 'inbound', 1, { businessNumber: '+15550001111' }));
		expect(a.items().map((i) => [i.businessNumber, i.messageCount])).toEqual([
			[BUSINESS, 2],
			['+15550001111', 1],
		]);
	});

	test('conversationWindow: the user\'s dates; without a start, 7 days before the end (or now)', () => {
		expect(conversationWindow({ startMs: 5, endMs: 9 }, T)).toEqual({ startMs: 5, endMs: 9 });
		expect(conversationWindow({}, T)).toEqual({ startMs: T - 7 * DAY, endMs: undefined });
		expect(conversationWindow({ endMs: T - HOUR }, T)).toEqual({ startMs: T - HOUR - 7 * DAY, endMs: T - HOUR });
	});

	test('isOn: booleans and their text (expressions, AI agents)', () => {
		expect([true, 'true', ' TRUE ', false, 'false', '', undefined, 1].map(isOn)).toEqual([true, true, true, false, false, false, false, false]);
	});

	test('groupByContact keeps each contact\'s messages in the read\'s order, newest contact first', () => {
		const groups = groupByContact([msg('+1', 'inbound', null), msg('+2', 'inbound', 9), msg('+1', 'outbound', 5), msg('+2', 'outbound', 1)], BUSINESS);
		expect(groups.map((g) => [g.contactNumber, g.messages.map((m) => m.id)])).toEqual([
			['+2', ['+2-inbound-9', '+2-outbound-1']],
			['+1', ['+1-inbound-null', '+1-outbound-5']],
		]);
	});
});
