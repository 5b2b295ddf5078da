// Pure mapping tests: the providers' documented samples (../shared/seeds) → the contract's normalized item.
const { toMessage: twoChat } = require('../../dist/nodes/TwoChat/toMessage');
const { toMessage: chirp } = require('../../dist/nodes/Chirp/toMessage');
const { toMessage: doubleTick } = require('../../dist/nodes/DoubleTick/toMessage');
const { toMessage: ninetyNine } = require('../../dist/nodes/NinetyNineDigital/toMessage');
const { parsePhone, normalizeProviderNumber } = require('../../dist/nodes/shared/phone');
const { parseDate, isoFromSeconds } = require('../../dist/nodes/shared/dates');
const { NodeOperationError } = require('n8n-workflow');

const node = { name: 'Test', type: 'test', typeVersion: 1, parameters: {}, position: [0, 0] };
const FIELDS = ['id', 'provider', 'conversationId', 'direction', 'type', 'text', 'media', 'location', 'timestamp', 'businessNumber', 'contactNumber', 'contactName', 'senderName', 'status', 'error'];

describe('phone numbers typed by users', () => {
	test.each([
		['+972 50-123-4567', '+972501234567'],
		['972501234567', '+972501234567'],
		['00972501234567', '+972501234567'],
		['+1 (555) 010.2030', '+15550102030'],
		[' +595981048477 ', '+595981048477'],
	])('%s → %s', (input, out) => expect(parsePhone(node, input, 'businessNumber')).toBe(out));

	test.each(['050-123-4567', 'abc', '', '+12', '+972 50 123 4567 8901 234', '+97250123456x'])('%s is rejected naming the parameter', (input) => {
		expect(() => parsePhone(node, input, 'contactNumber')).toThrow(NodeOperationError);
		expect(() => parsePhone(node, input, 'contactNumber')).toThrow(/contactNumber/);
	});

	test('provider numbers: with or without +, @c.us; other ids pass through', () => {
		expect(normalizeProviderNumber('972501234567')).toBe('+972501234567');
		expect(normalizeProviderNumber('+5215512345432')).toBe('+5215512345432');
		expect(normalizeProviderNumber('5215512345432@c.us')).toBe('+5215512345432');
		expect(normalizeProviderNumber('120363025@g.us')).toBe('120363025@g.us');
		expect(normalizeProviderNumber('IL.1605856887361213')).toBe('IL.1605856887361213');
		expect(normalizeProviderNumber(null)).toBeNull();
	});
});

describe('dates', () => {
	test('a value without offset is read in the workflow time zone', () => {
		expect(parseDate(node, '2024-04-02T23:02:03', 'filters.startDate', 'Asia/Jerusalem')).toBe(Date.parse('2024-04-02T20:02:03Z'));
		expect(parseDate(node, '2024-01-15T10:00:00', 'filters.startDate', 'America/New_York')).toBe(Date.parse('2024-01-15T15:00:00Z'));
		expect(parseDate(node, '2024-04-02T23:02:03.250', 'filters.startDate', 'UTC')).toBe(Date.parse('2024-04-02T23:02:03.250Z'));
	});
	test('offsets win over the time zone; Date and Luxon-like values work', () => {
		expect(parseDate(node, '2024-04-02T23:02:03+02:00', 'x', 'America/New_York')).toBe(Date.parse('2024-04-02T21:02:03Z'));
		expect(parseDate(node, '2024-04-02T23:02:03Z', 'x', 'Asia/Tokyo')).toBe(Date.parse('2024-04-02T23:02:03Z'));
		expect(parseDate(node, new Date('2024-01-01T00:00:00Z'), 'x', 'UTC')).toBe(Date.parse('2024-01-01T00:00:00Z'));
		expect(parseDate(node, { toMillis: () => 42 }, 'x', 'UTC')).toBe(42);
		expect(parseDate(node, '', 'x', 'UTC')).toBeUndefined();
	});
	test('garbage is a NodeOperationError naming the parameter', () => {
		expect(() => parseDate(node, 'next tuesday', 'filters.endDate', 'UTC')).toThrow(/filters\.endDate/);
	});
	test('float and string epoch seconds keep milliseconds', () => {
		expect(isoFromSeconds(1670454681.0)).toBe('2022-12-07T23:11:21.000Z');
		expect(isoFromSeconds('1614198777')).toBe('2021-02-24T20:32:57.000Z');
		expect(isoFromSeconds(1670454681.123)).toBe('2022-12-07T23:11:21.123Z');
	});
});

describe('2Chat (seeds 001 and 003)', () => {
	const listItem = {
		uuid: 'MSGaf1fa3a1-0d8d-4aa5-b117-f9425b651485',
		timestamp: 1670454681.0,
		session_key: 'WW-WPN95841312-b54d-46e3-b0bc-6414f4a5296b-5215512345432@c.us',
		message: { media: { url: 'https://2chat-user-data-dev.s3.amazonaws.com/x.svg', type: 'image', mime_type: 'image/svg+xml' } },
		remote_phone_number: '+5215512345432',
		channel_phone_number: '+595981048477',
		sent_by: 'api',
	};
	test('list item with media, sent by the API', () => {
		const m = twoChat(listItem, { businessNumber: '+595981048477' });
		expect(Object.keys(m).sort()).toEqual([...FIELDS].sort());
		expect(m).toEqual({
			id: 'MSGaf1fa3a1-0d8d-4aa5-b117-f9425b651485',
			provider: '2chat',
			conversationId: listItem.session_key,
			direction: 'outbound',
			type: 'image',
			text: null,
			media: { url: listItem.message.media.url, mimeType: 'image/svg+xml', fileName: null, caption: null, size: null },
			location: null,
			timestamp: '2022-12-07T23:11:21.000Z',
			businessNumber: '+595981048477',
			contactNumber: '+5215512345432',
			contactName: null,
			senderName: null,
			status: null,
			error: null,
		});
	});
	test('list item sent by the contact is inbound/received', () => {
		const m = twoChat({ ...listItem, sent_by: 'user', message: { text: 'hi' } }, {});
		expect([m.direction, m.status, m.type, m.text]).toEqual(['inbound', 'received', 'text', 'hi']);
	});
	test('single message (seed 003): created_at, is_from_chatter, ack', () => {
		const single = {
			id: 'MSG205dec10-523d-4ab3-b739-fd56e7cdeba2',
			uuid: 'MSG205dec10-523d-4ab3-b739-fd56e7cdeba2',
			session_key: 'WW-WPN66037eca-9ad1-4c96-9eff-526a90a48c77-5215511112222@c.us',
			message: { text: 'the content of the message' },
			created_at: '2024-04-02T23:02:03Z',
			remote_phone_number: '+5215511112222',
			sent_by: 'agent',
			is_from_chatter: false,
			is_from_agent: false,
			wa_msg_ack: 3,
		};
		const m = twoChat(single, {});
		expect(m.timestamp).toBe('2024-04-02T23:02:03.000Z');
		expect(m.businessNumber).toBeNull();
		expect([m.direction, m.status, m.contactNumber]).toEqual(['outbound', 'read', '+5215511112222']);
		expect(twoChat({ ...single, is_from_chatter: true }, {}).direction).toBe('inbound');
		expect(twoChat({ ...single, wa_msg_ack: 0 }, {}).status).toBe('queued');
		expect(twoChat({ ...single, wa_msg_ack: 1 }, {}).status).toBe('sent');
		expect(twoChat({ ...single, wa_msg_ack: 2 }, {}).status).toBe('delivered');
		expect(twoChat({ ...single, is_from_chatter: true, wa_msg_ack: 1 }, {}).status).toBe('received');
	});
});

describe('Chirp (seed 002)', () => {
	const base = {
		id: 'msg_wa_2DbBs7GWhGvVNJGrDXr5RG0mBWI',
		whatsappPhoneNumberId: 'wap_1',
		displayPhoneNumber: '+15550001111',
		fromPhoneNumber: '+15552223333',
		toPhoneNumber: '+15550001111',
		type: 'audio',
		direction: 'INBOUND',
		contactName: 'Dana',
		textBody: null,
		mediaUrl: 'https://media.buildwithchirp.com/a.ogg?X-Amz-Signature=abc',
		mediaMimeType: 'audio/ogg',
		mediaFilename: 'a.ogg',
		mediaCaption: null,
		mediaFileSize: 1234,
		isVoiceNote: true,
		locationLatitude: null,
		locationLongitude: null,
		queuedAt: null,
		sentAt: null,
		deliveredAt: null,
		readAt: null,
		failedAt: null,
		errorCode: null,
		errorMessage: null,
		createdAt: '2023-11-07T05:31:56Z',
		conversationWindow: { id: 'wacw_1' },
	};
	test('inbound voice note', () => {
		expect(chirp(base, {})).toEqual({
			id: base.id,
			provider: 'chirp',
			conversationId: 'wacw_1',
			direction: 'inbound',
			type: 'voice',
			text: null,
			media: { url: base.mediaUrl, mimeType: 'audio/ogg', fileName: 'a.ogg', caption: null, size: 1234 },
			location: null,
			timestamp: '2023-11-07T05:31:56.000Z',
			businessNumber: '+15550001111',
			contactNumber: '+15552223333',
			contactName: 'Dana',
			senderName: 'Dana',
			status: 'received',
			error: null,
		});
	});
	test('outbound: contact is toPhoneNumber, status is the latest stage, failedAt wins', () => {
		const out = { ...base, type: 'text', textBody: 'hello', mediaUrl: null, isVoiceNote: null, direction: 'OUTBOUND', fromPhoneNumber: '+15550001111', toPhoneNumber: '+15552223333', contactName: null };
		expect(chirp({ ...out, queuedAt: '2023-11-07T05:31:56Z', sentAt: '2023-11-07T05:31:57Z', deliveredAt: '2023-11-07T05:32:00Z' }, {}).status).toBe('delivered');
		expect(chirp({ ...out, sentAt: '2023-11-07T05:31:57Z', readAt: '2023-11-07T05:33:00Z' }, {}).status).toBe('read');
		const failed = chirp({ ...out, sentAt: '2023-11-07T05:31:57Z', failedAt: '2023-11-07T05:31:58Z', errorCode: '131026', errorMessage: 'Message undeliverable' }, {});
		expect([failed.status, failed.error]).toEqual(['failed', { code: '131026', message: 'Message undeliverable' }]);
		const m = chirp(out, {});
		expect([m.direction, m.contactNumber, m.text, m.media, m.senderName]).toEqual(['outbound', '+15552223333', 'hello', null, null]);
	});
	test('location as numbers', () => {
		const m = chirp({ ...base, type: 'location', mediaUrl: null, locationLatitude: '32.08', locationLongitude: '34.78', locationName: 'TLV', locationAddress: 'Somewhere' }, {});
		expect(m.location).toEqual({ latitude: 32.08, longitude: 34.78, name: 'TLV', address: 'Somewhere' });
	});
});

describe('DoubleTick (seed 000)', () => {
	const sample = {
		message: { text: 'text_message', messageType: 'text' },
		messageOriginType: 'CUSTOMER',
		id: 'message_id',
		sentCount: 0,
		readCount: 0,
		deliveryCount: 0,
		erroredCount: 0,
		senderId: 'customer_id',
		messageMetadata: { status: null },
		senderUser: { id: null, name: null, imageUrl: '', phoneNumber: null },
		integrationDisplayName: 'DoubleTick Demo',
		messageTime: 1737612046032,
		totalCount: 1,
		integrationWabaNumber: 'integrated_waba_number',
	};
	const query = { businessNumber: '+919999999999', contactNumber: '+918888888888' };
	test('customer message → inbound, epoch ms timestamp, numbers from the request', () => {
		expect(doubleTick(sample, query)).toEqual({
			id: 'message_id',
			provider: 'doubletick',
			conversationId: null,
			direction: 'inbound',
			type: 'text',
			text: 'text_message',
			media: null,
			location: null,
			timestamp: '2025-01-23T06:00:46.032Z',
			businessNumber: '+919999999999',
			contactNumber: '+918888888888',
			contactName: null,
			senderName: null,
			status: 'received',
			error: null,
		});
	});
	test('USER and SYSTEM → outbound; agent name; status from counters', () => {
		const m = doubleTick({ ...sample, messageOriginType: 'USER', senderUser: { name: 'Agent Smith' }, sentCount: 1, deliveryCount: 1 }, query);
		expect([m.direction, m.senderName, m.status]).toEqual(['outbound', 'Agent Smith', 'delivered']);
		expect(doubleTick({ ...sample, messageOriginType: 'SYSTEM' }, query).direction).toBe('outbound');
		expect(doubleTick({ ...sample, messageOriginType: 'USER', messageMetadata: { status: 'READ' } }, query).status).toBe('read');
	});
});

describe('99digital (seed 004)', () => {
	const out = { unique: '3EB08F941940DDC30F58', timestamp: '1614198777', direction: '2', from: '972501234567', to: '972502222222', type: 'chat', state: 1, message: 'outgoing message' };
	const inc = { unique: '3EB08F941940DDCFGF58', timestamp: '1614198211', direction: '1', from: '972523443432', to: '972501234567', type: 'chat', state: 0, message: 'incoming message' };
	test('outgoing chat', () => {
		expect(ninetyNine(out, {})).toEqual({
			id: '3EB08F941940DDC30F58',
			provider: '99digital',
			conversationId: null,
			direction: 'outbound',
			type: 'text',
			text: 'outgoing message',
			media: null,
			location: null,
			timestamp: '2021-02-24T20:32:57.000Z',
			businessNumber: '+972501234567',
			contactNumber: '+972502222222',
			contactName: null,
			senderName: null,
			status: null,
			error: null,
		});
	});
	test('incoming: contact = from; received', () => {
		const m = ninetyNine(inc, {});
		expect([m.direction, m.contactNumber, m.businessNumber, m.status, m.timestamp]).toEqual(['inbound', '+972523443432', '+972501234567', 'received', '2021-02-24T20:23:31.000Z']);
	});
	test('types: ptt → voice, file → document (link in message), location "lat,lng"; failed state + reason', () => {
		const voice = ninetyNine({ ...inc, type: 'ptt', message: 'https://api.99digital.co.il/f/a.ogg' }, {});
		expect([voice.type, voice.text, voice.media.url]).toEqual(['voice', null, 'https://api.99digital.co.il/f/a.ogg']);
		expect(ninetyNine({ ...out, type: 'file', message: 'https://x/y.pdf' }, {}).type).toBe('document');
		expect(ninetyNine({ ...inc, type: 'location', message: '32.08,34.78' }, {}).location).toEqual({ latitude: 32.08, longitude: 34.78, name: null, address: null });
		const failed = ninetyNine({ ...out, state: 0, reason: 'not a WhatsApp number' }, {});
		expect([failed.status, failed.error]).toEqual(['failed', { code: null, message: 'not a WhatsApp number' }]);
	});
	test('username-style ids pass through', () => {
		expect(ninetyNine({ ...inc, from: 'IL.1605856887361213' }, {}).contactNumber).toBe('IL.1605856887361213');
	});
});
