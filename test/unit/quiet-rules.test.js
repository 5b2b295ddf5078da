// The rules behind Wait for Quiet and the triggers' transcript output, each on its own (nodes/shared/instant/quietRules.ts,
// nodes/shared/triggerTranscript.ts): which delivery carries a burst, what the burst holds, how far back it is read,
// what the transcript's context is, and the checks of the three options.
const { timeline, carriesBurst, quietSince, gatherBound, burstOf, readQuietMs } = require('../../dist/nodes/shared/instant/quietRules');
const { sameMessage } = require('../../dist/nodes/shared/mapping');
const { contextBefore, triggerTranscript, byContact, readTriggerOutput } = require('../../dist/nodes/shared/triggerTranscript');

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
let seq = 0;
/** A normalized message `s` seconds after T0 (null: no usable time). */
function msg(s, { direction = 'inbound', id, contact = '+972502222222', text, name = null } = {}) {
	seq++;
	return {
		id: id === undefined ? `m${seq}` : id,
		provider: '2chat',
		conversationId: null,
		direction,
		type: 'text',
		text: text ?? `text ${seq}`,
		media: null,
		location: null,
		timestamp: s === null ? null : new Date(T0 + s * 1000).toISOString(),
		businessNumber: '+972501234567',
		contactNumber: contact,
		contactName: name,
		senderName: direction === 'outbound' ? 'Dana' : null,
		status: direction === 'inbound' ? 'received' : 'delivered',
		error: null,
	};
}
const inbound = (m) => m.direction === 'inbound';
const nothing = () => false;

describe('timeline: the history with the messages it does not hold yet', () => {
	test('a delivered message missing from the history goes by its time, before history messages of the same time', () => {
		const [h3, h2, h1] = [msg(30), msg(20), msg(10)];
		const late = msg(20);
		const untimed = msg(null);
		expect(timeline([h3, h2, h1], [late, untimed, h2])).toEqual([untimed, h3, late, h2, h1]);
	});
	test('messages older than the whole history go last; the same message is never added twice (same id)', () => {
		const h = msg(10);
		const old = msg(1);
		expect(timeline([h], [old, { ...h }])).toEqual([h, old]);
		expect(sameMessage(h, { ...h })).toBe(true);
		expect(sameMessage(msg(1, { id: null }), msg(1, { id: null }))).toBe(false);
	});
	test('a delivery id that is not the history id (DoubleTick): the same message by content within 5 s, only where ids may differ; the delivered copy stands in the timeline', () => {
		const stored = msg(10, { id: 'history-1', text: 'where is my order?' });
		const delivered = msg(12, { id: 'wamid.1', text: 'where is my order?' });
		expect(sameMessage(stored, delivered)).toBe(false);
		expect(sameMessage(stored, delivered, true)).toBe(true);
		expect(sameMessage(stored, msg(16, { id: 'wamid.2', text: 'where is my order?' }), true)).toBe(false);
		expect(sameMessage(stored, msg(11, { id: 'wamid.3', text: 'another text' }), true)).toBe(false);
		expect(sameMessage(stored, msg(11, { id: 'wamid.4', text: 'where is my order?', direction: 'outbound' }), true)).toBe(false);
		const older = msg(5, { id: 'history-0' });
		expect(timeline([stored, older], [delivered], true)).toEqual([delivered, older]);
		expect(timeline([stored, older], [delivered])).toEqual([delivered, stored, older]);
		expect(carriesBurst(timeline([stored, older], [delivered], true), [delivered], () => true, true)).toBe(true);
		expect(burstOf(timeline([stored, older], [delivered], true), [delivered], T0 + 8000, () => true, () => false, true)).toEqual([delivered]);
	});
});

describe('carriesBurst: the delivery of the newest wanted message carries the burst', () => {
	test('newest → carries; an older one does not; an outbound reply after it does not count for an inbound trigger', () => {
		const [m1, m2] = [msg(1), msg(2)];
		const reply = msg(3, { direction: 'outbound' });
		const tl = timeline([reply, m2, m1], []);
		expect(carriesBurst(tl, [m2], inbound)).toBe(true);
		expect(carriesBurst(tl, [m1], inbound)).toBe(false);
		expect(carriesBurst(tl, [reply], () => true)).toBe(true);
	});
	test('a message the history does not show yet is still the newest when it is newer', () => {
		const mine = msg(5);
		expect(carriesBurst(timeline([msg(1)], [mine]), [mine], inbound)).toBe(true);
	});
});

describe('quietSince: a catch-up found messages of a contact nobody holds here', () => {
	const m = msg(10);
	const now = T0 + 10_000;
	test('quiet for the whole period → emitted now; not yet → left to that message\'s own delivery', () => {
		expect(quietSince([m], inbound, now + 8000, 8000, nothing)).toBe(true);
		expect(quietSince([m], inbound, now + 7999, 8000, nothing)).toBe(false);
	});
	test('held by a request of this process → that request decides', () => {
		expect(quietSince([m], inbound, now + 60_000, 8000, (x) => x === m)).toBe(false);
	});
	test('no time → cannot be shown quiet', () => {
		expect(quietSince([msg(null)], inbound, now + 60_000, 8000, nothing)).toBe(false);
	});
});

describe('gatherBound: how far back a burst is read', () => {
	test('from the contact\'s last emitted message when known', () => {
		expect(gatherBound(5000, 1000, 9000, 3600_000)).toBe(5000);
	});
	test('otherwise an hour before the oldest message known to be new, never before the trigger started waiting', () => {
		expect(gatherBound(undefined, 1000, 4_000_000, 3600_000)).toBe(400_000);
		expect(gatherBound(undefined, 900_000, 4_000_000, 3600_000)).toBe(900_000);
		expect(gatherBound(undefined, undefined, Number.POSITIVE_INFINITY, 3600_000)).toBe(Number.NEGATIVE_INFINITY);
	});
});

describe('burstOf: what the carrying delivery emits', () => {
	test('every wanted, not yet emitted message from the bound on, oldest first; the ones this request knows always', () => {
		const before = msg(1);
		const emitted = msg(5);
		const [a, b] = [msg(6), msg(7)];
		const reply = msg(8, { direction: 'outbound' });
		const c = msg(9);
		const untimedHistory = msg(null);
		const untimedMine = msg(null);
		const tl = timeline([c, reply, b, a, emitted, before, untimedHistory], [untimedMine]);
		expect(burstOf(tl, [c, untimedMine], T0 + 5000, inbound, (m) => m === emitted)).toEqual([a, b, c, untimedMine]);
	});
	test('a message at exactly the bound is in the burst unless it was emitted (whole-second providers)', () => {
		const sameSecond = msg(5);
		expect(burstOf([msg(6), sameSecond], [], T0 + 5000, inbound, nothing).map((m) => m.timestamp)).toEqual([sameSecond.timestamp, msg(6).timestamp]);
	});
});

describe('contextBefore: the transcript\'s earlier messages', () => {
	test('the count messages (both sides) before the oldest new one, newest first; a reply written mid-burst is left out', () => {
		const [e1, e2, e3] = [msg(1), msg(2, { direction: 'outbound' }), msg(3)];
		const [n1, n2] = [msg(10), msg(12)];
		const midBurst = msg(11, { direction: 'outbound' });
		const history = [n2, midBurst, n1, e3, e2, e1];
		expect(contextBefore(history, [n1, n2], 2)).toEqual([e3, e2]);
		expect(contextBefore(history, [n1, n2], 10)).toEqual([e3, e2, e1]);
		expect(contextBefore(history, [n1, n2], 0)).toEqual([]);
	});
	test('new messages the history does not hold yet: the earlier ones by time', () => {
		const [e1, e2] = [msg(1), msg(2)];
		const later = msg(30, { direction: 'outbound' });
		expect(contextBefore([later, e2, e1], [msg(20)], 5)).toEqual([e2, e1]);
	});
});

describe('triggerTranscript: one contact\'s item', () => {
	const settings = { provider: '2chat', query: { businessNumber: '+972501234567', contactNumber: '+972502222222' }, timeZone: 'UTC', maxLength: 0 };
	test('context lines then the new ones; newMessageCount and newMessages cover exactly the last lines; counts and times cover all', () => {
		const context = [msg(2, { direction: 'outbound', text: 'We open at 9' }), msg(1, { text: 'When do you open?', name: 'Noa' })];
		const fresh = [msg(60, { text: 'Hi' }), msg(62, { text: 'Is the blue one\nstill there?' })];
		const item = triggerTranscript(fresh, context, settings);
		expect(item.transcript).toBe(
			['2026-03-01 10:00 Noa: When do you open?', '2026-03-01 10:00 Dana: We open at 9', '2026-03-01 10:01 Noa: Hi', '2026-03-01 10:01 Noa: Is the blue one\n    still there?'].join('\n'),
		);
		expect(item.newMessageCount).toBe(2);
		expect(item.newMessages).toBe('2026-03-01 10:01 Noa: Hi\n2026-03-01 10:01 Noa: Is the blue one\n    still there?');
		expect(item).toMatchObject({ messageCount: 4, contactNumber: '+972502222222', contactName: 'Noa', firstTimestamp: context[1].timestamp, lastTimestamp: fresh[1].timestamp });
	});
	test('no context: the transcript is the new messages', () => {
		const item = triggerTranscript([msg(1)], [], settings);
		expect(item.transcript).toBe(item.newMessages);
		expect(item.messageCount).toBe(1);
	});
	test('byContact: one group per contact, oldest first inside, contacts by their newest message', () => {
		const [a1, b1, a2] = [msg(1, { contact: '+1' }), msg(2, { contact: '+2' }), msg(3, { contact: '+1' })];
		expect(byContact([a1, b1, a2])).toEqual([[b1], [a1, a2]]);
	});
});

describe('the options are checked, naming them', () => {
	const ctx = (options) => ({ getNode: () => ({ name: 'Trigger' }), getNodeParameter: (name, fallback) => (name === 'options' ? options : fallback) });
	test('Wait for Quiet: 0 to 300 seconds', () => {
		expect(readQuietMs(ctx({}))).toBe(0);
		expect(readQuietMs(ctx({ waitForQuiet: 8 }))).toBe(8000);
		expect(readQuietMs(ctx({ waitForQuiet: 0.5 }))).toBe(500);
		expect(() => readQuietMs(ctx({ waitForQuiet: -1 }))).toThrow('"Wait for Quiet (Seconds)" (waitForQuiet): -1');
		expect(() => readQuietMs(ctx({ waitForQuiet: 'soon' }))).toThrow('(waitForQuiet): soon');
	});
	test('Context Messages: a whole number from 0 to 500', () => {
		expect(readTriggerOutput(ctx({ contextMessages: 20 }), { outputFormat: 'transcript' })).toEqual({ transcript: true, contextMessages: 20 });
		expect(readTriggerOutput(ctx({}), { outputFormat: undefined })).toEqual({ transcript: false, contextMessages: 0 });
		expect(() => readTriggerOutput(ctx({ contextMessages: 2.5 }), {})).toThrow('"Context Messages" (contextMessages): 2.5');
		expect(() => readTriggerOutput(ctx({ contextMessages: 501 }), {})).toThrow('(contextMessages): 501');
	});
});
