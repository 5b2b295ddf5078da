// Issue 18: the nodes call each provider as its public documentation says, and every undocumented guess is hedged.
// Against the local provider servers, which keep the documented shapes (strings where the docs show strings), with
// switches for: a 99digital number with alert phones and read-status hooks set; DoubleTick sending the secret bare, as
// a Bearer token or only in the second place the node registered it; a 2Chat WABA number; a Chirp account whose message
// list answers 404.
const axios = require('axios');
const { startWebhookSimulator, NINETY_NINE_USER_SETTINGS } = require('../simulators/webhooks');
const { MiniN8n } = require('../helpers/miniN8n');
const { BUSINESS, CONTACTS } = require('../helpers/providers');
const { makeContext, runNode, applyAuth, loadCredential } = require('../helpers/context');
const { TwoChatInstantTrigger } = require('../../dist/nodes/TwoChat/TwoChatInstantTrigger.node');
const { ChirpInstantTrigger } = require('../../dist/nodes/Chirp/ChirpInstantTrigger.node');
const { DoubleTickInstantTrigger } = require('../../dist/nodes/DoubleTick/DoubleTickInstantTrigger.node');
const { NinetyNineDigitalInstantTrigger } = require('../../dist/nodes/NinetyNineDigital/NinetyNineDigitalInstantTrigger.node');
const { TwoChat } = require('../../dist/nodes/TwoChat/TwoChat.node');
const { Chirp } = require('../../dist/nodes/Chirp/Chirp.node');
const { ChirpTrigger } = require('../../dist/nodes/Chirp/ChirpTrigger.node');
const { settingsAsRead, settingsToRestore } = require('../../dist/nodes/NinetyNineDigital/webhook');
const { contactNameOf, CARRIER_HEADER } = require('../../dist/nodes/DoubleTick/webhook');
const { toMessage: twoChatToMessage } = require('../../dist/nodes/TwoChat/toMessage');

const KEY = 'test-key-fidelity';
const NODES = {
	twochat: TwoChatInstantTrigger,
	chirp: ChirpInstantTrigger,
	doubletick: DoubleTickInstantTrigger,
	ninetyninedigital: NinetyNineDigitalInstantTrigger,
};

/** A local provider server with its webhook side, and the n8n stand-in running the provider's instant trigger. */
async function setup(name, parameters = {}, before) {
	const sim = await startWebhookSimulator(name, { apiKey: KEY });
	if (before) before(sim);
	const credentials = { apiKey: KEY, baseUrl: sim.url, ...(name === 'chirp' ? { appApiKey: sim.webhooks.appKey } : {}) };
	const n8n = await new MiniN8n({ nodeClass: NODES[name], parameters: { businessNumber: BUSINESS, event: 'inbound', ...parameters }, credentials }).start();
	for (const method of ['deliver', 'deliverStatus']) {
		const original = sim.webhooks[method];
		sim.webhooks[method] = async (...args) => {
			const result = await original(...args);
			await n8n.idle();
			return result;
		};
	}
	const t = { sim, n8n };
	t.close = async () => {
		await t.n8n.close();
		await t.sim.close();
	};
	return t;
}

let clock = Math.floor(Date.now() / 1000) * 1000 + 2000;
function message(direction = 'inbound', contact = CONTACTS[0], text = 'hello', business = BUSINESS) {
	clock = Math.max(clock + 1000, Math.ceil(Date.now() / 1000) * 1000);
	return { timestamp: clock, direction, business, contact, text };
}

describe('99digital: activation never changes the user\'s other webhook settings', () => {
	let t;
	afterEach(async () => t && (await t.close()));

	test('the local server keeps the settings as getWebhook documents them (system and systemPhoneAlert strings)', async () => {
		t = await setup('ninetyninedigital');
		const post = async (path, body) => (await axios.post(`${t.sim.url}${path}`, { apiKey: KEY, from: '972501234567', ...body })).data;
		expect(await post('/whatsapp/v2/getWebhook')).toEqual({ status: 'OK', url: '', system: '0', systemPhoneAlert: '', retry: 0, readStatus: 0, reason: 1 });
		await post('/whatsapp/v2/setWebhook', { url: 'https://crm.example.com/hook', system: 1, systemPhoneAlert: '972502211234,972527788695', readStatus: 1 });
		expect(await post('/whatsapp/v2/getWebhook')).toEqual({
			status: 'OK', url: 'https://crm.example.com/hook', system: '1', systemPhoneAlert: '972502211234,972527788695', retry: 0, readStatus: 1, reason: 1,
		});
		// " " clears (documented); a number where a phone list belongs is kept as the text it is.
		await post('/whatsapp/v2/setWebhook', { url: ' ', systemPhoneAlert: 0 });
		expect(await post('/whatsapp/v2/getWebhook')).toMatchObject({ url: '', systemPhoneAlert: '0' });
	});

	test('a number with alert phones and read-status hooks set: activation sends back every setting as read (only the URL and retry change); deactivation restores all', async () => {
		t = await setup('ninetyninedigital', { options: { replaceExistingWebhook: true } }, (sim) =>
			sim.webhooks.setSlot(BUSINESS, { url: 'https://crm.example.com/hook', ...NINETY_NINE_USER_SETTINGS }),
		);
		const before = t.sim.webhooks.slot(BUSINESS);
		expect(before).toEqual({ url: 'https://crm.example.com/hook', system: '1', systemPhoneAlert: '972502211234,972527788695', readStatus: 1, retry: 0 });
		await t.n8n.activate();
		const [set] = t.sim.requestsTo('/whatsapp/v2/setWebhook');
		const ours = `${t.n8n.url('trigger')}?token=${t.n8n.staticData.live.secret}`;
		expect(set.body).toEqual({ apiKey: KEY, from: '972501234567', url: ours, system: '1', systemPhoneAlert: '972502211234,972527788695', readStatus: 1, retry: 1 });
		expect(t.sim.webhooks.slot(BUSINESS)).toEqual({ ...before, url: ours, retry: 1 });
		// Read-status hooks stay on and start nothing.
		await t.sim.webhooks.deliver(message());
		await t.sim.webhooks.deliverStatus(t.sim.messages[0], 'read');
		expect(t.n8n.executions).toHaveLength(1);
		await t.n8n.restart();
		await t.n8n.deactivate();
		expect(t.sim.webhooks.slot(BUSINESS)).toEqual(before);
	});

	test('a free number with alert settings: activation keeps them; deactivation clears only the URL and puts retry back', async () => {
		t = await setup('ninetyninedigital', {}, (sim) => sim.webhooks.setSlot(BUSINESS, { ...NINETY_NINE_USER_SETTINGS, systemPhoneAlert: '0501234567' }));
		const before = t.sim.webhooks.slot(BUSINESS);
		await t.n8n.activate();
		expect(t.sim.webhooks.slot(BUSINESS)).toMatchObject({ system: '1', systemPhoneAlert: '0501234567', readStatus: 1, retry: 1 });
		await t.n8n.deactivate();
		const clears = t.sim.requestsTo('/whatsapp/v2/setWebhook').at(-1).body;
		expect(clears).toEqual({ apiKey: KEY, from: '972501234567', url: ' ', system: '1', systemPhoneAlert: '0501234567', readStatus: 1, retry: 0 });
		expect(t.sim.webhooks.slot(BUSINESS)).toEqual(before);
	});

	test('a setting the user changes while the trigger is active is kept on deactivation; retry goes back to what it was', async () => {
		t = await setup('ninetyninedigital', {}, (sim) => sim.webhooks.setSlot(BUSINESS, { retry: 1, systemPhoneAlert: '972502211234' }));
		await t.n8n.activate();
		const ours = t.sim.webhooks.slot(BUSINESS).url;
		await axios.post(`${t.sim.url}/whatsapp/v2/setWebhook`, { apiKey: KEY, from: '972501234567', systemPhoneAlert: '972527788695', readStatus: 1 });
		expect(t.sim.webhooks.slot(BUSINESS).url).toBe(ours);
		await t.n8n.deactivate();
		expect(t.sim.webhooks.slot(BUSINESS)).toEqual({ url: '', system: '0', systemPhoneAlert: '972527788695', readStatus: 1, retry: 1 });
	});

	test('settingsAsRead: every setting getWebhook returned, unchanged and only those; settingsToRestore: the current ones with the previous retry', () => {
		const read = { status: 'OK', url: 'x', system: '1', systemPhoneAlert: '972502211234,972527788695', readStatus: 1, retry: '0', reason: 1 };
		expect(settingsAsRead(read)).toEqual({ system: '1', systemPhoneAlert: '972502211234,972527788695', readStatus: 1, retry: '0' });
		expect(settingsAsRead({ system: '1', systemPhoneAlert: '0501234567' })).toEqual({ system: '1', systemPhoneAlert: '0501234567' });
		expect(settingsAsRead({ systemPhoneAlert: null, readStatus: undefined })).toEqual({});
		expect(settingsToRestore({ system: '1', systemPhoneAlert: ' ', retry: 1 }, { url: 'y', retry: 0, system: '0' })).toEqual({ system: '1', systemPhoneAlert: ' ', retry: 0 });
		expect(settingsToRestore({ system: '0', retry: 1 }, undefined)).toEqual({ system: '0', retry: 1 });
	});
});

describe('DoubleTick: deliveries are recognised however the secret comes back', () => {
	let t;
	afterEach(async () => t && (await t.close()));

	test('the secret is registered as the Bearer authorization and as a custom header (register body `headers`)', async () => {
		t = await setup('doubletick');
		await t.n8n.activate();
		const [reg] = t.sim.webhooks.registrations();
		const secret = t.n8n.staticData.live.secret;
		expect(reg.auth).toEqual({ type: 'BEARER', payload: secret });
		expect(reg.headers).toEqual({ [CARRIER_HEADER]: secret });
		expect(reg.url).toBe(t.n8n.url('trigger'));
	});

	// 'both' and 'bearer' pass with today's core. 'bare' and 'second' pass once the core accepts the adapter's declared
	// carriers (issue 18, the lead's change to nodes/shared/instant: `secret` as a list, `authorization` = Bearer or bare).
	test.each([
		['both', 'Authorization: Bearer <secret> and the custom header'],
		['bearer', 'Authorization: Bearer <secret> only'],
		['bare', 'a bare Authorization: <secret> only (needs the core change)'],
		['second', 'only the custom header (needs the core change)'],
	])('secret sent as %s (%s): one execution; the same form with a wrong value: 403, nothing', async (form) => {
		t = await setup('doubletick');
		await t.n8n.activate();
		t.sim.webhooks.switches.secretAs = form;
		const [ok] = await t.sim.webhooks.deliver(message('inbound', CONTACTS[0], `secret ${form}`));
		expect(ok.attempts.map((a) => a.status)).toEqual([200]);
		expect(t.n8n.emitted().map((m) => m.text)).toEqual([`secret ${form}`]);
		t.sim.webhooks.switches.wrongSecret = true;
		const [wrong] = await t.sim.webhooks.deliver(message('inbound', CONTACTS[0], 'forged'), { store: false });
		expect(wrong.attempts.map((a) => a.status)).toEqual([403]);
		expect(t.n8n.executions).toHaveLength(1);
	});

	test('no secret at all, or a wrong one in every place: 403 and nothing starts', async () => {
		t = await setup('doubletick');
		await t.n8n.activate();
		t.sim.webhooks.switches.wrongSecret = true;
		const [wrong] = await t.sim.webhooks.deliver(message());
		expect(Object.keys(wrong.payload)).toContain('dtMessageId');
		expect(wrong.attempts.map((a) => a.status)).toEqual([403]);
		const bare = await fetch(t.n8n.url('trigger'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(wrong.payload) });
		expect(bare.status).toBe(403);
		expect(t.n8n.executions).toHaveLength(0);
	});

	test.each([
		['string', 'a string, as documented'],
		['object', 'an object'],
	])('the delivery\'s contact as %s (%s): its name is the item\'s contact name', async (form) => {
		t = await setup('doubletick');
		await t.n8n.activate();
		t.sim.webhooks.switches.contactAs = form;
		const [d] = await t.sim.webhooks.deliver(message('inbound', CONTACTS[1], 'named'));
		expect(typeof d.payload.contact).toBe(form);
		const [item] = t.n8n.emitted();
		expect([item.contactName, item.senderName, item.contactNumber]).toEqual(['Contact 3333', 'Contact 3333', CONTACTS[1]]);
	});

	test('contactNameOf: a name from the documented string or an object; a bare phone number is not a name', () => {
		expect(contactNameOf('Dana Levi')).toBe('Dana Levi');
		expect(contactNameOf('  Dana  ')).toBe('Dana');
		expect(contactNameOf('919999999999')).toBeNull();
		expect(contactNameOf('+91 99999-99999')).toBeNull();
		expect(contactNameOf('')).toBeNull();
		expect(contactNameOf({ name: 'Yossi' })).toBe('Yossi');
		expect(contactNameOf({ firstName: 'Maya', lastName: 'Azulay' })).toBe('Maya Azulay');
		expect(contactNameOf({ first_name: 'Maya' })).toBe('Maya');
		expect(contactNameOf({ phoneNumber: '919999999999' })).toBeNull();
		expect(contactNameOf(null)).toBeNull();
		expect(contactNameOf(42)).toBeNull();
	});
});

describe('2Chat: the Business Number is checked, and WABA numbers get their own events', () => {
	let t;
	afterEach(async () => t && (await t.close()));
	const waba = (sim) => sim.state.waba.add('972501234567');

	test('a WhatsApp Web number: the numbers list is read once, then the WhatsApp Web event is subscribed', async () => {
		t = await setup('twochat');
		await t.n8n.activate();
		expect(t.sim.requests.map((r) => `${r.method} ${decodeURIComponent(r.path).split('?')[0]}`)).toEqual([
			'GET /open/whatsapp/get-numbers',
			'POST /open/webhooks/subscribe/whatsapp.message.received',
		]);
		expect(t.sim.webhooks.registrations().map((r) => r.events[0])).toEqual(['whatsapp.message.received']);
	});

	test('a Business Number that is not on the 2Chat account: activation fails naming it, nothing is subscribed', async () => {
		t = await setup('twochat', { businessNumber: '+972509999999' });
		await expect(t.n8n.activate()).rejects.toThrow('The number +972509999999 is not connected to this 2Chat account');
		expect(t.sim.webhooks.registrations()).toEqual([]);
		expect(t.sim.requestsTo('/open/webhooks/subscribe')).toHaveLength(0);
	});

	test('a number listed as another channel type (Instagram) is refused naming the type', async () => {
		t = await setup('twochat');
		t.sim.fault({ path: '/open/whatsapp/get-numbers', times: 1, status: 200, body: { success: true, numbers: [{ uuid: 'WPNx', phone_number: BUSINESS, channel_type: 'IG' }] } });
		await expect(t.n8n.activate()).rejects.toThrow(`The number ${BUSINESS} is a 2Chat IG channel, not a WhatsApp number`);
		expect(t.sim.webhooks.registrations()).toEqual([]);
	});

	test('a WABA number: inbound subscribes whatsapp.waba.message.received; its payload (WA-WAN session key, created_at without a zone) gives the same item as the history', async () => {
		t = await setup('twochat', {}, waba);
		await t.n8n.activate();
		expect(t.sim.webhooks.registrations().map((r) => r.events[0])).toEqual(['whatsapp.waba.message.received']);
		const m = message('inbound', CONTACTS[1], 'hello waba');
		const [d] = await t.sim.webhooks.deliver(m);
		expect(d.payload.session_key).toMatch(/^WA-WAN[0-9a-f-]+-972503333333$/);
		expect(d.payload.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
		const [item] = t.n8n.emitted();
		// created_at has no zone: read as UTC.
		expect(item.timestamp).toBe(new Date(m.timestamp).toISOString());
		expect(item).toMatchObject({ id: d.messageId, direction: 'inbound', text: 'hello waba', contactNumber: CONTACTS[1], businessNumber: BUSINESS, contactName: 'Contact 3333', conversationId: d.payload.session_key });
		const history = await runNode({
			nodeClass: TwoChat,
			parameters: { operation: 'getConversation', businessNumber: BUSINESS, contactNumber: CONTACTS[1], returnAll: true },
			credentials: { apiKey: KEY, baseUrl: t.sim.url },
		});
		const same = history.map((i) => i.json).find((x) => x.id === item.id);
		for (const field of ['id', 'direction', 'type', 'text', 'timestamp', 'contactNumber', 'businessNumber', 'conversationId', 'status']) expect([field, item[field]]).toEqual([field, same[field]]);
		// WABA receipts start nothing.
		await t.sim.webhooks.deliverStatus(t.sim.messages[0], 'received');
		expect(t.n8n.executions).toHaveLength(1);
	});

	test('a WABA number: Outbound subscribes whatsapp.waba.message.sent; Any subscribes both and deactivation removes both', async () => {
		t = await setup('twochat', { event: 'outbound' }, waba);
		await t.n8n.activate();
		expect(t.sim.webhooks.registrations().map((r) => r.events[0])).toEqual(['whatsapp.waba.message.sent']);
		await t.sim.webhooks.deliver(message('outbound', CONTACTS[0], 'sent from waba'));
		expect(t.n8n.emitted().map((m) => [m.text, m.direction, m.contactNumber])).toEqual([['sent from waba', 'outbound', CONTACTS[0]]]);
		await t.n8n.deactivate();
		await t.n8n.close();

		t.n8n = await new MiniN8n({ nodeClass: TwoChatInstantTrigger, parameters: { businessNumber: BUSINESS, event: 'any' }, credentials: { apiKey: KEY, baseUrl: t.sim.url } }).start();
		await t.n8n.activate();
		expect(t.sim.webhooks.registrations().map((r) => r.events[0]).sort()).toEqual(['whatsapp.waba.message.received', 'whatsapp.waba.message.sent']);
		expect(t.n8n.staticData.live.ids).toHaveLength(2);
		// Ten n8n starts: still the two, one list call each.
		for (let i = 0; i < 10; i++) {
			t.sim.clearRequests();
			await t.n8n.restart();
			expect(t.sim.webhooks.managementCalls()).toHaveLength(1);
		}
		expect(t.sim.webhooks.registrations()).toHaveLength(2);
		await t.n8n.deactivate();
		expect(t.sim.webhooks.registrations()).toEqual([]);
	});

	test('a WABA number whose 2Chat refuses the received event: activation fails naming WABA; no registration is left', async () => {
		t = await setup('twochat', { event: 'any' }, waba);
		t.sim.webhooks.switches.wabaReceived = false;
		await expect(t.n8n.activate()).rejects.toThrow(/WhatsApp Business API \(WABA\) number \+972501234567/);
		expect(t.sim.webhooks.registrations()).toEqual([]);
		expect(t.n8n.staticData.live).toBeUndefined();
	});

	test.each(['reset', 502])('a WABA subscribe the provider saved but whose reply was lost (%s): one registration, adopted, not a WABA refusal', async (lostReplyAs) => {
		t = await setup('twochat', {}, waba);
		Object.assign(t.sim.webhooks.switches, { loseRegisterReplies: 1, lostReplyAs });
		await t.n8n.activate();
		const regs = t.sim.webhooks.registrations();
		expect(regs.map((r) => r.events[0])).toEqual(['whatsapp.waba.message.received']);
		expect(t.n8n.staticData.live.ids).toEqual([regs[0].id]);
		expect(t.sim.requestsTo('/open/webhooks/subscribe')).toHaveLength(1);
	});

	test('a WABA number: messages lost while n8n was down are caught up from the history with the next delivery', async () => {
		t = await setup('twochat', {}, waba);
		await t.n8n.activate();
		await t.sim.webhooks.deliver(message('inbound', CONTACTS[0], 'before'));
		await t.n8n.restart(async () => {
			for (let i = 0; i < 3; i++) await t.sim.webhooks.deliver(message('inbound', CONTACTS[i % 2], `lost ${i}`));
		});
		await t.sim.webhooks.deliver(message('inbound', CONTACTS[0], 'after'));
		expect(t.n8n.executions.map((e) => e.items.map((m) => m.text))).toEqual([['before'], ['lost 0', 'lost 1', 'lost 2', 'after']]);
	});

	test('2Chat toMessage reads the contact from a WABA session key when the number is missing', () => {
		const m = twoChatToMessage(
			{ uuid: 'MSG1', session_key: 'WA-WAN3ff9fb72-6ecd-4c2a-9055-4836d8ed33d7-595981378890', message: { text: 'x' }, created_at: '2026-02-18T18:01:35', sent_by: 'api', channel_phone_number: '+16173518454' },
			{},
		);
		expect(m).toMatchObject({ contactNumber: '+595981378890', businessNumber: '+16173518454', direction: 'outbound', timestamp: '2026-02-18T18:01:35.000Z' });
	});
});

/**
 * n8n's credential tester for a credential's `test` request: the request as the credential writes it (base URL without
 * trailing slashes), the credential's `authenticate`, then each `responseSuccessBody` rule against the reply's body.
 */
async function credentialTest(type, credentials) {
	const Cred = loadCredential(type);
	const { request, rules } = new Cred().test;
	const options = await applyAuth(type, { ...request, baseURL: undefined, url: `${credentials.baseUrl.replace(/\/+$/, '')}${request.url}` }, credentials);
	const res = await axios({ url: options.url, method: options.method || 'GET', params: options.qs, headers: options.headers, maxRedirects: 0, validateStatus: () => true });
	const get = (body, key) => key.split('.').reduce((v, k) => (v && typeof v === 'object' ? v[k] : undefined), body);
	for (const rule of rules) if (get(res.data, rule.properties.key) === rule.properties.value) return { status: 'Error', message: rule.properties.message, request: options, reply: res.status };
	return { status: 'OK', request: options, reply: res.status };
}

describe('Chirp: the credential test uses only the documented read; a missing message list says so', () => {
	let t;
	afterEach(async () => t && (await t.close()));

	test('the credential test reads one message by a well-formed id that cannot exist: 404 passes, 401 fails; the list is never called', async () => {
		t = await setup('chirp');
		t.sim.state.listMissing = true;
		const good = await credentialTest('chirpApi', { apiKey: KEY, baseUrl: `${t.sim.url}/` });
		expect(good).toMatchObject({ status: 'OK', reply: 404 });
		expect(new URL(good.request.url).pathname).toMatch(/^\/v1\/organization\/whatsapp\/messages\/msg_wa_[0-9A-Za-z]{27}$/);
		const bad = await credentialTest('chirpApi', { apiKey: 'wrong-key', baseUrl: t.sim.url });
		expect(bad).toMatchObject({ status: 'Error', message: 'Chirp rejected the API key (use an admin key, sk_admin_…)', reply: 401 });
		expect(t.sim.requests.every((r) => /\/messages\/msg_wa_/.test(r.path))).toBe(true);
	});

	const LIST_MISSING = /^Chirp's WhatsApp message list is not available for this account: Get Message \(one message by its ID\) still works$/;

	test.each(['getConversation', 'getAll'])('%s on an account whose list answers 404: the clear error (not "API key rejected", not "check the Base URL")', async (operation) => {
		t = await setup('chirp');
		t.sim.generate(3, { business: BUSINESS, contacts: CONTACTS });
		t.sim.state.listMissing = true;
		const error = await runNode({ nodeClass: Chirp, parameters: { operation, contactNumber: CONTACTS[0], returnAll: true }, credentials: { apiKey: KEY, baseUrl: t.sim.url } }).catch((e) => e);
		expect(error.message).toMatch(LIST_MISSING);
		expect(error.httpCode).toBe('404');
		// n8n shows only the description when an activation fails: it says it all too.
		expect(String(error.description)).toMatch(/^Chirp's WhatsApp message list \(GET \/v1\/organization\/whatsapp\/messages\) answered 404 \(Not found \(resource_not_found\)\): it is not available for this account\. .*Get Message still works/);
		expect(`${error.message} ${error.description}`).not.toMatch(/rejected|Base URL/i);
		// Get Message (the documented read) still works.
		const [one] = await runNode({ nodeClass: Chirp, parameters: { operation: 'getMessage', messageId: t.sim.messages[0].id }, credentials: { apiKey: KEY, baseUrl: t.sim.url } });
		expect(one.json.id).toBe(t.sim.messages[0].id);
	});

	test('the polling trigger says so on activation; the instant trigger still emits deliveries and logs the same reason when it cannot catch up', async () => {
		t = await setup('chirp');
		t.sim.state.listMissing = true;
		const poll = makeContext({ nodeClass: ChirpTrigger, parameters: { event: 'any' }, credentials: { apiKey: KEY, baseUrl: t.sim.url } });
		await expect(poll.run()).rejects.toThrow(LIST_MISSING);

		await t.n8n.activate();
		await t.sim.webhooks.deliver(message('inbound', CONTACTS[0], 'first'));
		await t.n8n.restart();
		await t.sim.webhooks.deliver(message('inbound', CONTACTS[0], 'after a restart'));
		expect(t.n8n.emitted().map((m) => m.text)).toEqual(['first', 'after a restart']);
		expect(t.n8n.logs.filter(([level]) => level === 'error').map(([, m]) => m).join('\n')).toMatch(/catching up from the history failed.*message list is not available/);
	});
});
