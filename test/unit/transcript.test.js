// Options → Output Format = transcript, for every provider against its local server: the transcript item's
// fields, exact lines (text, media with and without caption, location, a failed outbound message, Hebrew and
// emoji, a message without text, a multi-line message), the workflow's timezone, Limit = newest N shown oldest
// first, an empty conversation, Get Many across contacts, the length cap, and the AI-tool default.
const { startSimulator } = require('../simulators');
const { makeContext } = require('../helpers/context');
const { providers, BUSINESS, CONTACTS } = require('../helpers/providers');
const { buildTranscript, fitToLength, messageBody } = require('../../dist/nodes/shared/transcript');

const KEY = 'sk_admin_transcript-key-0987654321';
const CONTACT = CONTACTS[0];
const OTHER = CONTACTS[1];
const T0 = Date.parse('2024-04-02T06:00:00.000Z');
const min = (n) => T0 + n * 60_000;
// DoubleTick reads date windows: every read names a range around the conversation.
const RANGE = { startDate: '2024-04-01T00:00:00Z', endDate: '2024-04-03T00:00:00Z' };

/** The conversation every provider's server holds (neutral fields; each server writes its own shape). */
function conversation(sim) {
	return [
		{ timestamp: min(0), direction: 'inbound', text: 'שלום, אני צריך עזרה עם ההזמנה 🙏', contactName: 'Dana Levi' },
		{ timestamp: min(1), direction: 'outbound', text: 'Hi Dana!\nSure, what is the order number?', senderName: 'Avi' },
		{ timestamp: min(2), direction: 'inbound', type: 'image', text: 'Here is the receipt 🧾', caption: 'Here is the receipt 🧾', fileName: 'receipt.png', contactName: 'Dana Levi' },
		{ timestamp: min(3), direction: 'inbound', type: 'document', text: null, fileName: 'invoice.pdf', contactName: 'Dana Levi' },
		{ timestamp: min(4), direction: 'outbound', text: 'Thanks, checking now', senderName: 'Avi', status: 'failed', error: 'Re-engagement message window expired' },
		{ timestamp: min(5), direction: 'inbound', type: 'text', text: '', contactName: 'Dana Levi' },
		{ timestamp: min(6), direction: 'inbound', type: 'location', text: null, latitude: 32.0853, longitude: 34.7818, contactName: 'Dana Levi' },
		{ timestamp: min(7), direction: 'outbound', text: 'Shipped today 🚚', senderName: 'Avi', contact: OTHER },
	].map((f) => sim.makeMessage({ contact: CONTACT, business: BUSINESS, ...f }));
}

// What each provider's server sends for that conversation, as a transcript (UTC). The differences are the
// providers': DoubleTick names the agent (senderUser) but not the contact; Chirp and 2Chat name the contact; 2Chat's
// list carries no file name or failure; 99digital's history has no caption or file name.
const D = 'שלום, אני צריך עזרה עם ההזמנה 🙏';
const EXACT = {
	doubletick: [
		`2024-04-02 06:00 +972502222222: ${D}`,
		'2024-04-02 06:01 Avi: Hi Dana!',
		'    Sure, what is the order number?',
		'2024-04-02 06:02 +972502222222: [image: receipt.png] Here is the receipt 🧾',
		'2024-04-02 06:03 +972502222222: [document: invoice.pdf]',
		'2024-04-02 06:04 Avi: Thanks, checking now (not delivered: Re-engagement message window expired)',
		'2024-04-02 06:05 +972502222222: [no text]',
		'2024-04-02 06:06 +972502222222: [location: 32.0853, 34.7818]',
	].join('\n'),
	twochat: [
		`2024-04-02 06:00 Dana Levi: ${D}`,
		'2024-04-02 06:01 Business: Hi Dana!',
		'    Sure, what is the order number?',
		'2024-04-02 06:02 Dana Levi: [image] Here is the receipt 🧾',
		'2024-04-02 06:03 Dana Levi: [document]',
		'2024-04-02 06:04 Business: Thanks, checking now',
		'2024-04-02 06:05 Dana Levi: [no text]',
		'2024-04-02 06:06 Dana Levi: [location: 32.0853, 34.7818]',
	].join('\n'),
	chirp: [
		`2024-04-02 06:00 Dana Levi: ${D}`,
		'2024-04-02 06:01 Business: Hi Dana!',
		'    Sure, what is the order number?',
		'2024-04-02 06:02 Dana Levi: [image: receipt.png] Here is the receipt 🧾',
		'2024-04-02 06:03 Dana Levi: [document: invoice.pdf]',
		'2024-04-02 06:04 Business: Thanks, checking now (not delivered: Re-engagement message)',
		'2024-04-02 06:05 Dana Levi: [no text]',
		'2024-04-02 06:06 Dana Levi: [location: 32.0853, 34.7818]',
	].join('\n'),
	ninetyninedigital: [
		`2024-04-02 06:00 +972502222222: ${D}`,
		'2024-04-02 06:01 Business: Hi Dana!',
		'    Sure, what is the order number?',
		'2024-04-02 06:02 +972502222222: [image]',
		'2024-04-02 06:03 +972502222222: [document]',
		'2024-04-02 06:04 Business: Thanks, checking now (not delivered: Re-engagement message window expired)',
		'2024-04-02 06:05 +972502222222: [no text]',
		'2024-04-02 06:06 +972502222222: [location: 32.0853, 34.7818]',
	].join('\n'),
};

describe.each(Object.keys(providers))('%s', (name) => {
	const p = providers[name];
	let sim;
	beforeAll(async () => {
		sim = await startSimulator(name, { apiKey: KEY });
	});
	afterAll(() => sim.close());
	beforeEach(() => {
		sim.reset();
		sim.add(conversation(sim));
	});

	const run = async (parameters, more = {}) => {
		const ctx = makeContext({
			nodeClass: p.nodeClass,
			parameters: { businessNumber: BUSINESS, operation: 'getConversation', contactNumber: CONTACT, returnAll: true, filters: RANGE, ...parameters },
			credentials: { apiKey: KEY, baseUrl: sim.url },
			...more,
		});
		const [out] = await ctx.run();
		return out;
	};

	test('one item, lines oldest first, in the workflow timezone; the same messages as the messages format', async () => {
		const messages = (await run({ options: {} }, { timezone: 'Asia/Jerusalem' })).map((o) => o.json);
		const out = await run({ options: { outputFormat: 'transcript' } }, { timezone: 'Asia/Jerusalem' });
		expect(out).toHaveLength(1);
		expect(out[0].pairedItem).toEqual({ item: 0 });
		const t = out[0].json;
		expect(Object.keys(t).sort()).toEqual(['businessNumber', 'contactName', 'contactNumber', 'firstTimestamp', 'lastTimestamp', 'messageCount', 'provider', 'transcript'].sort());
		expect(t.provider).toBe(p.provider);
		expect(t.businessNumber).toBe(BUSINESS);
		expect(t.contactNumber).toBe(CONTACT);
		expect(t.messageCount).toBe(7);
		expect(t.firstTimestamp).toBe('2024-04-02T06:00:00.000Z');
		expect(t.lastTimestamp).toBe('2024-04-02T06:06:00.000Z');
		// Jerusalem is UTC+3 on 2 April 2024 (summer time); the lines are otherwise those of UTC.
		expect(t.transcript).toBe(EXACT[name].replace(/^2024-04-02 06:/gm, '2024-04-02 09:'));
		// The same messages as the messages format, oldest first.
		expect(messages.map((m) => m.timestamp).reverse()).toEqual([0, 1, 2, 3, 4, 5, 6].map((n) => new Date(min(n)).toISOString()));
	});

	test('exact lines: Hebrew and emoji kept, media notes with and without caption, location, failed outbound, no text, line breaks indented', async () => {
		const t = (await run({ options: { outputFormat: 'transcript' } }))[0].json;
		expect(t.transcript).toBe(EXACT[name]);
		expect(t.contactName).toBe(name === 'chirp' || name === 'twochat' ? 'Dana Levi' : null);
	});

	test('Limit = the newest N, shown oldest first', async () => {
		const t = (await run({ returnAll: false, limit: 2, options: { outputFormat: 'transcript' } }))[0].json;
		expect(t.messageCount).toBe(2);
		expect(t.firstTimestamp).toBe('2024-04-02T06:05:00.000Z');
		expect(t.lastTimestamp).toBe('2024-04-02T06:06:00.000Z');
		expect(t.transcript).toBe(EXACT[name].split('\n').slice(-2).join('\n'));
	});

	test('an empty conversation: messageCount 0 and an empty transcript', async () => {
		sim.reset();
		sim.add(sim.makeMessage({ timestamp: min(0), contact: OTHER, business: BUSINESS }));
		const out = await run({ options: { outputFormat: 'transcript' } });
		expect(out).toHaveLength(1);
		expect(out[0].json).toMatchObject({ provider: p.provider, contactNumber: CONTACT, messageCount: 0, firstTimestamp: null, lastTimestamp: null, transcript: '' });
	});

	test('Get Many across contacts names the contact on every line', async () => {
		const out = await run({ operation: 'getAll', filters: { ...RANGE, ...p.getAllFilters(CONTACT) }, options: { outputFormat: 'transcript' } });
		const t = out[0].json;
		if (p.getAllFilters(CONTACT).contactNumber) {
			// DoubleTick lists one contact at a time: that contact's transcript.
			expect(t.contactNumber).toBe(CONTACT);
			expect(t.messageCount).toBe(7);
			return;
		}
		expect(t.contactNumber).toBeNull();
		expect(t.contactName).toBeNull();
		expect(t.messageCount).toBe(8);
		const lines = t.transcript.split('\n').filter((l) => !l.startsWith('    '));
		expect(lines).toHaveLength(8);
		const contact = name === 'chirp' || name === 'twochat' ? `Dana Levi (${CONTACT})` : CONTACT;
		expect(lines[0]).toBe(`2024-04-02 06:00 ${contact}: ${D}`);
		expect(lines[1]).toMatch(new RegExp(`^2024-04-02 06:01 (Avi|Business) to ${contact.replace(/[()+]/g, '\\$&')}: Hi Dana!$`));
		expect(lines[7]).toMatch(new RegExp(`^2024-04-02 06:07 (Avi|Business) to \\${OTHER}: Shipped today 🚚$`));
	});

	test('Max Transcript Length cuts the oldest lines first and says so', async () => {
		const full = (await run({ options: { outputFormat: 'transcript' } }))[0].json.transcript;
		const t = (await run({ options: { outputFormat: 'transcript', maxTranscriptLength: 150 } }))[0].json;
		expect(t.transcript.length).toBeLessThanOrEqual(150);
		const lines = t.transcript.split('\n');
		expect(lines[0]).toMatch(/^\[\d+ earlier messages? left out to stay within 150 characters\]$/);
		const omitted = Number(/^\[(\d+)/.exec(lines[0])[1]);
		expect(t.messageCount).toBe(7 - omitted);
		expect(full.endsWith(lines.slice(1).join('\n'))).toBe(true);
	});

	test('as an AI agent tool the node answers with a transcript unless Output Format is set', async () => {
		const asTool = (more) => {
			const ctx = makeContext({
				nodeClass: p.nodeClass,
				parameters: { businessNumber: BUSINESS, operation: 'getConversation', contactNumber: CONTACT, returnAll: true, filters: RANGE, ...more },
				credentials: { apiKey: KEY, baseUrl: sim.url },
			});
			ctx.node.type += 'Tool';
			return ctx.run().then(([out]) => out);
		};
		const tool = await asTool({ options: {} });
		expect(tool).toHaveLength(1);
		expect(tool[0].json.messageCount).toBe(7);
		const chosen = await asTool({ options: { outputFormat: 'messages' } });
		expect(chosen).toHaveLength(7);
	});
});

describe('transcript pieces', () => {
	const base = { id: 'x', provider: 'chirp', conversationId: null, direction: 'inbound', type: 'text', text: 'hi', media: null, location: null, timestamp: '2024-04-02T06:00:00.000Z', businessNumber: BUSINESS, contactNumber: CONTACT, contactName: null, senderName: null, status: 'received', error: null };
	test('location, media without file name, reactions, unknown types, CRLF and Unicode line separators', () => {
		expect(messageBody({ ...base, type: 'location', text: null, location: { latitude: 32.08, longitude: 34.78, name: 'Office', address: 'Rothschild 1, Tel Aviv' } })).toBe('[location: Office, Rothschild 1, Tel Aviv (32.08, 34.78)]');
		expect(messageBody({ ...base, type: 'location', text: null, location: { latitude: 32.08, longitude: 34.78, name: null, address: null } })).toBe('[location: 32.08, 34.78]');
		expect(messageBody({ ...base, type: 'voice', text: null, media: { url: 'u', mimeType: null, fileName: null, caption: null, size: null } })).toBe('[voice]');
		expect(messageBody({ ...base, type: 'reaction', text: '👍' })).toBe('[reaction] 👍');
		expect(messageBody({ ...base, type: 'unknown', text: null })).toBe('[unsupported message]');
		expect(messageBody({ ...base, text: 'a\r\nb\u2028c' })).toBe('a\n    b\n    c');
		expect(messageBody({ ...base, direction: 'outbound', status: 'failed', error: { code: '131047', message: null } })).toBe('hi (not delivered: 131047)');
	});
	test('a message without a time keeps its place and says so', () => {
		const t = buildTranscript([{ ...base, timestamp: null }, base], { provider: 'chirp', query: { contactNumber: CONTACT }, timeZone: 'UTC', maxLength: 0 });
		expect(t.transcript).toBe(`2024-04-02 06:00 ${CONTACT}: hi\n(no time) ${CONTACT}: hi`);
		expect(t.firstTimestamp).toBe(base.timestamp);
		expect(t.messageCount).toBe(2);
	});
	test('a cap smaller than the newest line cuts that line at its end', () => {
		const r = fitToLength(['old line', 'a very long newest line'], 10);
		expect(r.lines).toEqual(['a very lo…']);
		expect(r.omitted).toBe(1);
		expect(fitToLength(['a', 'b'], 0)).toEqual({ lines: ['a', 'b'], omitted: 0 });
	});
});
