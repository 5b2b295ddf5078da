'use strict';
// The local servers' demo data (`npm run start:n8n`, the README's "Try it", the editor test): a business number,
// three named contacts, one conversation that shows every field of the item — text, each kind of media with
// captions, a location, every outbound status including a failure, contact and sender names — and three weeks of
// ordinary history. Ids are fixed, so the README can name one message per provider; times are relative to now
// (within DoubleTick's default 30-day window).
const { uuidFrom, hash, ksuid } = require('./base');

const BUSINESS = '+972501234567';
const CONTACTS = [
	{ number: '+972502222222', name: 'Dana Levi' },
	{ number: '+972503333333', name: 'Yossi Cohen' },
	{ number: '+972504444444', name: 'Maya Azulay' },
];
const AGENT = 'Noa (support)';
const MIN = 60_000;

/** A message id in the provider's own shape, fixed for a key. */
const ID = {
	doubletick: (k) => uuidFrom('demo-message|' + k),
	twochat: (k) => 'MSG' + uuidFrom('demo-message|' + k),
	chirp: (k) => 'msg_wa_' + ksuid(Date.UTC(2026, 0, 1), 'demo-message|' + k),
	ninetyninedigital: (k) => '3EB0' + hash('demo-message|' + k).slice(0, 16).toUpperCase(),
};

// The conversation with Dana, oldest first: [minutes ago, direction, fields]. 'try-it' is the README's message.
const CONVERSATION = [
	[190, 'inbound', { key: 'try-it', type: 'text', text: 'Hi! Is order #1042 on its way?' }],
	[185, 'outbound', { type: 'text', text: 'Hi Dana, it left our warehouse this morning.', status: 'read' }],
	[180, 'outbound', { type: 'document', text: 'Your invoice', mediaPath: '/media/document.pdf', fileName: 'invoice-1042.pdf', status: 'read' }],
	[170, 'inbound', { type: 'image', text: 'This is the box I got', fileName: 'box.png' }],
	[165, 'inbound', { type: 'voice' }],
	[160, 'outbound', { type: 'text', text: 'Sorry about that! A replacement is on its way.', status: 'delivered' }],
	[150, 'inbound', { type: 'video', text: 'Unboxing', fileName: 'unboxing.mp4' }],
	[145, 'outbound', { type: 'image', text: 'A photo of the replacement', fileName: 'replacement.png', status: 'delivered' }],
	[140, 'inbound', { type: 'location', text: null, latitude: 32.0853, longitude: 34.7818, locationName: 'Home', locationAddress: 'Rothschild Blvd 1, Tel Aviv' }],
	[130, 'inbound', { type: 'audio', fileName: 'message.ogg' }],
	[120, 'inbound', { type: 'sticker' }],
	[110, 'outbound', { type: 'text', text: 'Our courier will call you tomorrow.', status: 'sent' }],
	[100, 'outbound', { type: 'text', text: 'Here is the tracking link: https://track.example/1042', status: 'queued' }],
	[90, 'outbound', {
		type: 'text', text: 'Following up on order #1042', status: 'failed',
		error: 'Message failed to send because more than 24 hours have passed since the customer last replied',
	}],
];

/**
 * Adds the demo data to a running simulator and returns what the README's "Try it" section names:
 * { business, contacts, messageId, sessionKey (2Chat, else null) }.
 */
function seedDemo(sim, provider, { now = Date.now(), history = 240 } = {}) {
	const id = ID[provider];
	if (!id) throw new Error(`no demo data for ${provider}`);
	const dana = CONTACTS[0];
	const raws = [];
	const make = (k, ms, direction, contact, f) => {
		const fields = {
			id: id(k), timestamp: Math.floor(ms / 1000) * 1000, direction, business: BUSINESS, contact: contact.number,
			contactName: contact.name, senderName: direction === 'outbound' ? AGENT : contact.name, ...f,
		};
		if (f.mediaPath) fields.mediaUrl = sim.url + f.mediaPath;
		if (f.type && f.type !== 'text' && f.type !== 'location') fields.caption = f.text ?? null;
		return sim.makeMessage(fields);
	};
	// Three weeks of ordinary history with all three contacts, one message every two hours, ending 4 hours ago.
	for (let i = 0; i < history; i++) {
		const contact = CONTACTS[i % CONTACTS.length];
		const ms = now - 4 * 60 * MIN - (history - 1 - i) * 120 * MIN;
		const inbound = i % 2 === 0;
		const image = i % 20 === 19;
		raws.push(make(`history-${i}`, ms, inbound ? 'inbound' : 'outbound', contact, {
			type: image ? 'image' : 'text',
			text: inbound ? `Question ${i + 1} from ${contact.name.split(' ')[0]}` : `Answer ${i + 1}`,
			status: inbound ? undefined : ['delivered', 'read'][i % 4 === 1 ? 1 : 0],
		}));
	}
	for (const [ago, direction, f] of CONVERSATION) {
		const { key, ...fields } = f;
		raws.push(make(key || `dana-${ago}`, now - ago * MIN, direction, dana, fields));
	}
	// A short exchange with each of the others, so every contact has a recent conversation.
	CONTACTS.slice(1).forEach((c, j) => {
		raws.push(make(`recent-${j}-in`, now - (60 - j * 10) * MIN, 'inbound', c, { type: 'text', text: `Hello, this is ${c.name}` }));
		raws.push(make(`recent-${j}-out`, now - (55 - j * 10) * MIN, 'outbound', c, { type: 'text', text: `Hi ${c.name.split(' ')[0]}, how can we help?`, status: 'read' }));
	});
	sim.add(raws);
	const tryIt = raws.find((r) => [r.id, r.uuid, r.unique].includes(id('try-it')));
	return {
		business: BUSINESS,
		contacts: CONTACTS,
		messageId: id('try-it'),
		sessionKey: provider === 'twochat' ? tryIt.session_key : null,
	};
}

module.exports = { seedDemo, DEMO_BUSINESS: BUSINESS, DEMO_CONTACTS: CONTACTS, DEMO_AGENT: AGENT, demoMessageId: (p) => ID[p]('try-it') };
