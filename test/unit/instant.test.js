// The instant (webhook) triggers of all four providers, driven through real HTTP: the local provider servers with their
// webhook management API and delivery engine (test/simulators/webhooks.js) call a stand-in for n8n's webhook route
// (test/helpers/miniN8n.js) that runs the built node's lifecycle methods and webhook() as n8n does.
const { PROVIDERS, setup, inbound, later, KEY, sleep } = require('../helpers/instant');
const { BUSINESS, CONTACTS } = require('../helpers/providers');
const { runNode } = require('../helpers/context');

describe.each(Object.keys(PROVIDERS))('%s instant trigger', (name) => {
	const p = PROVIDERS[name];
	let sim;
	let n8n;
	beforeEach(async () => {
		({ sim, n8n } = await setup(name));
	});
	afterEach(async () => {
		await n8n.close();
		await sim.close();
	});

	test('activation registers exactly one webhook with a secret; ten n8n starts keep it at one, with one list call each', async () => {
		await n8n.activate();
		const regs = sim.webhooks.registrations();
		expect(regs).toHaveLength(1);
		const state = n8n.staticData.live;
		expect(state.secret).toMatch(/^[0-9a-f]{48}$/);
		if (p.secretIn === 'url') expect(regs[0].url).toBe(`${n8n.url('trigger')}?token=${state.secret}`);
		else expect(regs[0].url).toBe(n8n.url('trigger'));
		if (p.secretIn === 'header') expect(regs[0].headers).toEqual({ 'X-N8n-Webhook-Secret': state.secret });
		if (p.secretIn === 'bearer') expect(regs[0].auth).toEqual({ type: 'BEARER', payload: state.secret });
		for (let i = 0; i < 10; i++) {
			sim.clearRequests();
			await n8n.restart();
			expect(sim.webhooks.managementCalls()).toHaveLength(1);
		}
		expect(sim.webhooks.registrations()).toEqual(regs);
		expect(n8n.staticData.live.secret).toBe(state.secret);
	});

	test('a delivered message starts one execution with the same item as the history read; duplicates, retries and a second copy start nothing more', async () => {
		await n8n.activate();
		const [delivery] = await sim.webhooks.deliver(inbound(CONTACTS[1], 'hello instant'));
		expect(delivery.attempts.map((a) => a.status)).toEqual([200]);
		expect(n8n.executions).toHaveLength(1);
		const [item] = n8n.executions[0].items;
		const raw = sim.messages[0];
		expect(item.id).toBe(p.idOf(raw));
		// The same normalized item as Get Message / Get Conversation (the history mapping) gives for this message.
		const fromHistory = await runNode({
			nodeClass: p.action,
			parameters: { operation: 'getConversation', businessNumber: BUSINESS, contactNumber: CONTACTS[1], returnAll: true },
			credentials: { apiKey: KEY, baseUrl: sim.url },
		});
		const same = fromHistory.map((i) => i.json).find((m) => m.id === item.id);
		for (const field of ['id', 'provider', 'direction', 'type', 'text', 'timestamp', 'contactNumber', 'businessNumber', 'status']) expect([field, item[field]]).toEqual([field, same[field]]);
		expect(item.provider).toBe(p.provider);
		expect(item.text).toBe('hello instant');

		sim.webhooks.switches.duplicate = true;
		await sim.webhooks.deliver(inbound());
		expect(n8n.executions).toHaveLength(2);
		sim.webhooks.switches.duplicate = false;
		// A slow n8n: the provider gives up waiting (its timeout) and retries twice; every attempt is processed.
		n8n.delayMs = 150;
		Object.assign(sim.webhooks.switches, { timeoutMs: 50, retries: 2, retryDelayMs: 10 });
		const [retried] = await sim.webhooks.deliver(inbound());
		await sleep(200);
		await n8n.idle();
		n8n.delayMs = 0;
		expect(retried.attempts.map((a) => a.error)).toEqual(['timeout', 'timeout', 'timeout']);
		expect(n8n.responses.slice(3).map((r) => r.result)).toEqual([["workflowData"], ["webhookResponse"], ["webhookResponse"]]);
		// ... and once more later, answered this time.
		sim.webhooks.switches.timeoutMs = 5000;
		await sim.webhooks.deliver(sim.messages[0], { store: false });
		expect(n8n.emitted().filter((m) => m.id === retried.messageId)).toHaveLength(1);
		expect(n8n.executions).toHaveLength(3);
		expect(new Set(n8n.emitted().map((m) => m.id)).size).toBe(3);
	});

	test('a wrong secret gets 403 and no execution; a status event and a filtered-out message get 200 and no execution', async () => {
		await n8n.activate();
		sim.webhooks.switches.wrongSecret = true;
		const [wrong] = await sim.webhooks.deliver(inbound());
		expect(wrong.attempts.map((a) => a.status)).toEqual([403]);
		sim.webhooks.switches.wrongSecret = false;
		// A request without any secret at all, for a message the provider never stored.
		sim.webhooks.switches.drop = 1;
		const forged = (await sim.webhooks.deliver(inbound(CONTACTS[0], 'forged'), { store: false }))[0].payload;
		const bare = await fetch(n8n.url('trigger'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(forged) });
		expect(bare.status).toBe(403);

		const [status] = await sim.webhooks.deliverStatus(sim.messages[0], 'read');
		expect(status.attempts.map((a) => a.status)).toEqual([200]);
		expect(n8n.executions).toHaveLength(0);
		expect(n8n.responses.map((r) => r.error).filter(Boolean)).toEqual([]);
	});

	test('a provider that calls the URL without its query string: real messages are emitted once, read back from the history; a forged one is refused; one warning', async () => {
		await n8n.activate();
		if (p.secretIn !== 'url') {
			// Providers that send the secret in a header always send it: a request without it is refused, even for a
			// message the history has.
			sim.webhooks.switches.drop = 1;
			const [stored] = await sim.webhooks.deliver(inbound(CONTACTS[1], 'stored, sent without the header'));
			const bare = await fetch(n8n.url('trigger'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(stored.payload) });
			expect(bare.status).toBe(403);
			expect(n8n.executions).toHaveLength(0);
			return;
		}
		sim.webhooks.switches.dropQuery = true;
		const [real] = await sim.webhooks.deliver(inbound(CONTACTS[1], 'no token, real'));
		const [again] = await sim.webhooks.deliver(inbound(CONTACTS[0], 'no token, real too'));
		const [forged] = await sim.webhooks.deliver(inbound(CONTACTS[0], 'no token, forged'), { store: false });
		sim.webhooks.switches.dropQuery = false;
		sim.webhooks.switches.wrongSecret = true;
		const [wrong] = await sim.webhooks.deliver(inbound(CONTACTS[0], 'wrong token'));
		expect(real.attempts.map((a) => a.status)).toEqual([200]);
		expect(again.attempts.map((a) => a.status)).toEqual([200]);
		expect(forged.attempts.map((a) => a.status)).toEqual([403]);
		expect(wrong.attempts.map((a) => a.status)).toEqual([403]);
		expect(n8n.emitted().map((m) => m.text)).toEqual(['no token, real', 'no token, real too']);
		expect(n8n.emitted().map((m) => m.id)).toEqual([real.messageId, again.messageId]);
		const warnings = n8n.logs.filter(([level, m]) => level === 'warn' && /without the token/.test(m));
		expect(warnings).toHaveLength(1);
		expect(warnings[0][1]).toContain(name === 'twochat' ? '2Chat' : '99digital');
		expect(warnings[0][1]).not.toContain(n8n.staticData.live.secret);
		// The same message delivered again (with or without its token) starts nothing more.
		sim.webhooks.switches.wrongSecret = false;
		sim.webhooks.switches.dropQuery = true;
		await sim.webhooks.deliver(sim.messages.find((m) => p.idOf(m) === real.messageId), { store: false });
		expect(n8n.executions).toHaveLength(2);
	});

	test('Authorization carriers: the secret is accepted as `Bearer <secret>` and bare; a wrong value in either form is refused', async () => {
		if (p.secretIn !== 'bearer') return;
		await n8n.activate();
		const secret = n8n.staticData.live.secret;
		const payloadOf = async (text) => (await sim.webhooks.deliver(inbound(CONTACTS[0], text), { store: true }))[0].payload;
		sim.webhooks.switches.drop = 2;
		const first = await payloadOf('bare form');
		const second = await payloadOf('bearer form');
		const post = (body, authorization) =>
			fetch(n8n.url('trigger'), { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify(body) });
		expect((await post(first, `Bearer ${secret}x`)).status).toBe(403);
		expect((await post(first, `${secret}x`)).status).toBe(403);
		expect((await post(first, '')).status).toBe(403);
		expect((await post(first, secret)).status).toBe(200);
		expect((await post(second, `Bearer ${secret}`)).status).toBe(200);
		await n8n.idle();
		expect(n8n.emitted().map((m) => m.text)).toEqual(['bare form', 'bearer form']);
	});

	test.each(['reset', 502])('a register call the provider saved but whose reply was lost (%s): one registration, adopted, never sent blindly again', async (lostReplyAs) => {
		if (name === 'ninetyninedigital') sim.webhooks.setSlot(BUSINESS, {});
		Object.assign(sim.webhooks.switches, { loseRegisterReplies: 1, lostReplyAs });
		await n8n.activate();
		const regs = sim.webhooks.registrations();
		expect(regs).toHaveLength(1);
		expect(n8n.staticData.live.ids).toEqual([regs[0].id]);
		// The register call went out once (99digital's setWebhook sets one slot: sending it again changes nothing).
		const registerCalls = sim.webhooks.managementCalls().filter((r) => r.method === 'POST' && !/getWebhook|\/v2\/webhook\/[^r]/.test(r.path));
		expect(registerCalls).toHaveLength(name === 'ninetyninedigital' ? 2 : 1);
		await sim.webhooks.deliver(inbound(CONTACTS[0], 'after a lost reply'));
		expect(n8n.emitted().map((m) => m.text)).toEqual(['after a lost reply']);
		await n8n.deactivate();
		expect(sim.webhooks.registrations()).toHaveLength(p.canDelete ? 0 : 1);
	});

	test('an activation that fails after the provider saved the registration removes it (DoubleTick: says what to remove by hand)', async () => {
		if (name === 'ninetyninedigital') return; // one slot, put back by the adapter: see the 99digital tests
		// The provider saves it and then answers what the node cannot read (no id), or the read-back fails.
		if (name === 'doubletick') sim.fault({ path: '/v2/webhooks', after: 1, status: 400 });
		else Object.assign(sim.webhooks.switches, { loseRegisterReplies: 1, lostReplyAs: 200 });
		await expect(n8n.activate()).rejects.toThrow();
		expect(sim.webhooks.registrations()).toHaveLength(p.canDelete ? 0 : 1);
		const warning = n8n.logs.find(([level, m]) => level === 'warn' && /activation failed after the provider saved the registration/.test(m));
		expect(warning[1]).toMatch(p.canDelete ? /it was removed/ : /remove the webhook/);
		expect(n8n.staticData.live).toBeUndefined();
	});

	test('deactivation removes exactly our registration (DoubleTick: says what to remove by hand)', async () => {
		if (name === 'ninetyninedigital') sim.webhooks.setSlot(BUSINESS, {});
		await n8n.activate();
		const ours = sim.webhooks.registrations();
		await n8n.deactivate();
		if (p.canDelete) {
			expect(sim.webhooks.registrations()).toEqual([]);
		} else {
			expect(sim.webhooks.registrations()).toEqual(ours);
			const warning = n8n.logs.find(([level, m]) => level === 'warn' && /remove the webhook/.test(m));
			expect(warning[1]).toContain(n8n.url('trigger'));
			expect(warning[1]).toContain('Settings → Webhooks');
			// Activating again reuses the one left behind instead of adding another.
			await n8n.activate();
			expect(sim.webhooks.registrations()).toHaveLength(1);
			expect(sim.webhooks.registrations()[0].auth.payload).toBe(n8n.staticData.live.secret);
			return;
		}
		expect(n8n.staticData.live).toBeUndefined();
	});

	test('n8n down while five deliveries are lost: the next delivery brings all six, oldest first, each once; later ones only themselves', async () => {
		await n8n.activate();
		await sim.webhooks.deliver(inbound(CONTACTS[0], 'before'));
		expect(n8n.executions).toHaveLength(1);
		const lost = [];
		await n8n.restart(async () => {
			for (let i = 0; i < 5; i++) {
				const [d] = await sim.webhooks.deliver(inbound(CONTACTS[i % 2], `lost ${i}`));
				lost.push(d);
			}
		});
		// The provider could not reach n8n (404 while it was down).
		expect(lost.every((d) => d.attempts.every((a) => a.status === 404))).toBe(true);
		const [next] = await sim.webhooks.deliver(inbound(CONTACTS[0], 'after'));
		expect(next.attempts.map((a) => a.status)).toEqual([200]);
		expect(n8n.executions).toHaveLength(2);
		if (name === 'doubletick') {
			// DoubleTick's history is read one contact at a time: the catch-up covers the contacts seen before (known
			// limit, documented); lost messages of a contact never seen before are not found.
			expect(n8n.executions[1].items.map((m) => m.text)).toEqual(['lost 0', 'lost 2', 'lost 4', 'after']);
			return;
		}
		expect(n8n.executions[1].items.map((m) => m.text)).toEqual(['lost 0', 'lost 1', 'lost 2', 'lost 3', 'lost 4', 'after']);
		await sim.webhooks.deliver(inbound(CONTACTS[1], 'later'));
		expect(n8n.executions[2].items.map((m) => m.text)).toEqual(['later']);
		// A provider retry of a message the catch-up already emitted starts nothing.
		await sim.webhooks.deliver(sim.messages.find((r) => p.idOf(r) === lost[2].messageId), { store: false });
		expect(n8n.executions).toHaveLength(3);
		expect(n8n.emitted().map((m) => m.text)).toEqual(['before', 'lost 0', 'lost 1', 'lost 2', 'lost 3', 'lost 4', 'after', 'later']);
	});

	test('deliveries dropped while n8n runs are caught up by the first delivery after 15 quiet minutes; Catch Up off reads no history', async () => {
		await n8n.activate();
		await sim.webhooks.deliver(inbound(CONTACTS[0], 'one'));
		sim.webhooks.switches.drop = 2;
		await sim.webhooks.deliver(inbound(CONTACTS[0], 'dropped 1'));
		await sim.webhooks.deliver(inbound(CONTACTS[0], 'dropped 2'));
		await sim.webhooks.deliver(inbound(CONTACTS[0], 'soon after'));
		expect(n8n.emitted().map((m) => m.text)).toEqual(['one', 'soon after']);
		// 16 minutes of silence later (the gap check), the next delivery reads the history since the cursor.
		const s = JSON.parse(n8n.stored);
		s.checkedAt = new Date(Date.now() - 16 * 60_000).toISOString();
		n8n.stored = JSON.stringify(s);
		await sim.webhooks.deliver(inbound(CONTACTS[0], 'after silence'));
		expect(n8n.emitted().map((m) => m.text)).toEqual(['one', 'soon after', 'dropped 1', 'dropped 2', 'after silence']);
		await n8n.restart();
		await sim.webhooks.deliver(inbound(CONTACTS[0], 'after restart'));
		expect(n8n.emitted().map((m) => m.text).slice(5)).toEqual(['after restart']);
		// Catch Up off: a restart and lost deliveries, then only what is delivered.
		n8n.parameters.options = { catchUp: false };
		sim.clearRequests();
		await n8n.restart(async () => {
			await sim.webhooks.deliver(inbound(CONTACTS[0], 'lost for good'));
		});
		await sim.webhooks.deliver(inbound(CONTACTS[0], 'no catch-up'));
		expect(n8n.emitted().map((m) => m.text).slice(6)).toEqual(['no catch-up']);
		expect(sim.requests.filter((r) => !sim.webhooks.managementCalls().includes(r))).toEqual([]);
	});

	test('out-of-order deliveries: each message once', async () => {
		await n8n.activate();
		sim.webhooks.switches.reorder = true;
		for (let i = 0; i < 3; i++) await sim.webhooks.deliver(inbound(CONTACTS[0], `m${i}`));
		await sim.webhooks.release();
		expect(n8n.executions.map((e) => e.items.map((m) => m.text))).toEqual([['m2'], ['m1'], ['m0']]);
	});

	test('Contact Number filter: other contacts start nothing', async () => {
		n8n.parameters.filters = { contactNumber: CONTACTS[1] };
		await n8n.activate();
		await sim.webhooks.deliver(inbound(CONTACTS[0], 'not watched'));
		await sim.webhooks.deliver(inbound(CONTACTS[1], 'watched'));
		expect(n8n.emitted().map((m) => m.text)).toEqual(['watched']);
	});

	test('"Listen for test event" registers the test URL, gets the message, and leaves the production registration alone', async () => {
		if (name === 'ninetyninedigital') return; // one URL per number: see the 99digital tests
		await n8n.activate();
		const production = sim.webhooks.registrations();
		await n8n.listen();
		expect(sim.webhooks.registrations()).toHaveLength(2);
		await sim.webhooks.deliver(inbound(CONTACTS[0], 'to both'));
		expect(n8n.executions.map((e) => e.manual).sort()).toEqual([false, true]);
		await n8n.stopListening();
		if (p.canDelete) expect(sim.webhooks.registrations()).toEqual(production);
		expect(n8n.staticData.test).toBeUndefined();
		expect(n8n.staticData.live.secret).toBeDefined();
	});
});

describe('99digital: one webhook URL per number', () => {
	let sim;
	let n8n;
	beforeEach(async () => {
		({ sim, n8n } = await setup('ninetyninedigital'));
	});
	afterEach(async () => {
		await n8n.close();
		await sim.close();
	});

	test('refuses a number whose webhook goes elsewhere, naming the URL; nothing is changed', async () => {
		sim.webhooks.setSlot(BUSINESS, { url: 'https://crm.example.com/hook', readStatus: 1 });
		await expect(n8n.activate()).rejects.toThrow('already sends its 99digital webhook to https://crm.example.com/hook');
		expect(sim.webhooks.slot(BUSINESS).url).toBe('https://crm.example.com/hook');
		expect(sim.requestsTo('/whatsapp/v2/setWebhook')).toHaveLength(0);
	});

	test('Replace Existing Webhook takes it over with retries on, and deactivation restores the previous URL and settings', async () => {
		sim.webhooks.setSlot(BUSINESS, { url: 'https://crm.example.com/hook', readStatus: 1, system: 1 });
		n8n.parameters.options = { replaceExistingWebhook: true };
		await n8n.activate();
		const slot = sim.webhooks.slot(BUSINESS);
		expect(slot.url).toBe(`${n8n.url('trigger')}?token=${n8n.staticData.live.secret}`);
		expect(slot).toMatchObject({ retry: 1, readStatus: 1, system: '1' });
		// readStatus stays on: its status hooks start nothing.
		await sim.webhooks.deliverStatus(sim.messages[0] || (await sim.webhooks.deliver(inbound()), sim.messages[0]), 'read');
		expect(n8n.executions).toHaveLength(1);
		await n8n.restart();
		await n8n.deactivate();
		expect(sim.webhooks.slot(BUSINESS)).toEqual({ url: 'https://crm.example.com/hook', readStatus: 1, system: '1', systemPhoneAlert: '', retry: 0 });
	});

	test('a takeover that keeps failing after 99digital saved it puts the previous URL and settings back', async () => {
		sim.webhooks.setSlot(BUSINESS, { url: 'https://crm.example.com/hook', readStatus: 1, systemPhoneAlert: '972502211234,972527788695' });
		const before = { ...sim.webhooks.slot(BUSINESS) };
		n8n.parameters.options = { replaceExistingWebhook: true, maxRetries: 0 };
		// Every setWebhook is saved and answered 500: taken over, put back; looked up (not there), registered once more,
		// put back again; then the activation fails.
		Object.assign(sim.webhooks.switches, { loseRegisterReplies: 10, lostReplyAs: 500 });
		await expect(n8n.activate()).rejects.toThrow('The service failed to process your request');
		expect(sim.requestsTo('/whatsapp/v2/setWebhook')).toHaveLength(4);
		expect(sim.webhooks.slot(BUSINESS)).toEqual(before);
		expect(before.systemPhoneAlert).toBe('972502211234,972527788695');
	});

	test('a URL changed by someone else meanwhile is left alone on deactivation (and logged, without its query string)', async () => {
		await n8n.activate();
		sim.webhooks.setSlot(BUSINESS, { url: 'https://other.example.com/new?token=their-secret' });
		await n8n.deactivate();
		expect(sim.webhooks.slot(BUSINESS).url).toBe('https://other.example.com/new?token=their-secret');
		const [, line] = n8n.logs.find(([level, m]) => level === 'warn' && /changed by someone else/.test(m));
		expect(line).toContain('https://other.example.com/new');
		expect(line).not.toContain('their-secret');
	});

	test('the production URL found where a test registration was: the log names it without its secret', async () => {
		sim.webhooks.setSlot(BUSINESS, {});
		await n8n.listen();
		await n8n.activate();
		const live = n8n.staticData.live;
		expect(sim.webhooks.slot(BUSINESS).url).toBe(live.url);
		await n8n.stopListening();
		const lines = n8n.logs.filter(([level]) => level === 'warn').map(([, m]) => m);
		expect(lines.some((m) => /changed by someone else/.test(m))).toBe(true);
		for (const m of lines) expect(m).not.toContain(live.secret);
		expect(sim.webhooks.slot(BUSINESS).url).toBe(live.url);
	});

	test('a test run is refused while the production URL holds the number, and never changes it', async () => {
		await n8n.activate();
		const production = sim.webhooks.slot(BUSINESS);
		await expect(n8n.listen()).rejects.toThrow(/deactivate the workflow to listen for a test event/);
		expect(sim.webhooks.slot(BUSINESS)).toEqual(production);
	});

	test('a test run on a free number works and clears the slot afterwards', async () => {
		await n8n.listen();
		expect(sim.webhooks.slot(BUSINESS).url).toContain('/webhook-test/');
		await sim.webhooks.deliver(inbound(CONTACTS[0], 'test event'));
		expect(n8n.executions.map((e) => [e.manual, e.items[0].text])).toEqual([[true, 'test event']]);
		await n8n.stopListening();
		expect(sim.webhooks.slot(BUSINESS).url).toBe('');
		expect(n8n.staticData).toEqual({});
	});
});

describe('provider specifics', () => {
	test('Chirp: without an App API Key the activation says so; with it, webhooks are managed with the app key only', async () => {
		const { sim, n8n } = await setup('chirp');
		try {
			delete n8n.credentials.appApiKey;
			await expect(n8n.activate()).rejects.toThrow('The Chirp credential has no App API Key');
			// Refused before anything was sent: nothing to clean up, nothing logged.
			expect(n8n.logs).toEqual([]);
			n8n.credentials.appApiKey = sim.webhooks.appKey;
			sim.clearRequests();
			await n8n.activate();
			for (const r of sim.webhooks.managementCalls()) expect(r.headers.authorization).toBe(`Bearer ${sim.webhooks.appKey}`);
			// Imported history (coexistence onboarding) starts nothing.
			const raw = sim.makeMessage(inbound(CONTACTS[0], 'imported'));
			const payload = sim.webhooks.deliveries.length ? null : null;
			expect(payload).toBeNull();
			const reg = sim.webhooks.registrations()[0];
			const body = require('../simulators/webhooks').PROVIDERS.chirp.payload(raw);
			body.data.message.isHistoricalImport = true;
			const res = await fetch(reg.url, { method: 'POST', headers: { 'content-type': 'application/json', ...reg.headers }, body: JSON.stringify(body) });
			expect(res.status).toBe(200);
			// The older flat payload shape (`data` is the message) is read too.
			const flat = { event: 'messages.whatsapp.received', data: { id: raw.id, from: raw.fromPhoneNumber, to: raw.toPhoneNumber, type: 'text', text: 'flat shape', receivedAt: raw.createdAt } };
			await fetch(reg.url, { method: 'POST', headers: { 'content-type': 'application/json', ...reg.headers }, body: JSON.stringify(flat) });
			expect(n8n.emitted().map((m) => [m.text, m.contactNumber, m.direction])).toEqual([['flat shape', CONTACTS[0], 'inbound']]);
		} finally {
			await n8n.close();
			await sim.close();
		}
	});

	test('DoubleTick: bodies wrapped in {payload} are read too', async () => {
		const { sim, n8n } = await setup('doubletick');
		try {
			await n8n.activate();
			sim.webhooks.switches.wrap = true;
			await sim.webhooks.deliver(inbound(CONTACTS[2], 'wrapped'));
			expect(n8n.emitted().map((m) => [m.text, m.contactNumber, m.businessNumber])).toEqual([['wrapped', CONTACTS[2], BUSINESS]]);
		} finally {
			await n8n.close();
			await sim.close();
		}
	});

	test.each(['twochat', 'chirp'])('%s: a changed Event removes the old subscription at the next start', async (name) => {
		const { sim, n8n } = await setup(name);
		try {
			await n8n.activate();
			const before = sim.webhooks.registrations();
			n8n.parameters.event = 'any';
			await n8n.restart();
			const after = sim.webhooks.registrations();
			expect(after).toHaveLength(1);
			expect(after[0].id).not.toBe(before[0].id);
			expect(after[0].events).toEqual(name === 'twochat' ? ['whatsapp.message.new'] : ['messages.whatsapp.received', 'messages.whatsapp.sent']);
			expect(n8n.logs.some(([level, m]) => level === 'warn' && /the Event changed; removing the old registration/.test(m))).toBe(true);
		} finally {
			await n8n.close();
			await sim.close();
		}
	});

	test('2Chat: the Event choice picks the subscribed event; Any Message gets both directions', async () => {
		const { sim, n8n } = await setup('twochat', { event: 'any' });
		try {
			await n8n.activate();
			expect(sim.webhooks.registrations()[0].events).toEqual(['whatsapp.message.new']);
			await sim.webhooks.deliver(inbound(CONTACTS[0], 'in'));
			await sim.webhooks.deliver({ timestamp: later(1000), direction: 'outbound', business: BUSINESS, contact: CONTACTS[0], text: 'out' });
			expect(n8n.emitted().map((m) => [m.text, m.direction])).toEqual([['in', 'inbound'], ['out', 'outbound']]);
		} finally {
			await n8n.close();
			await sim.close();
		}
	});

	test.each(['twochat', 'ninetyninedigital'])('%s: a burst of 50 concurrent deliveries right after an n8n start (all catching up at once) emits each message once', async (name) => {
		const { sim, n8n } = await setup(name);
		try {
			await n8n.activate();
			await sim.webhooks.deliver(inbound(CONTACTS[0], 'before'));
			await n8n.restart(async () => {
				for (let i = 0; i < 3; i++) await sim.webhooks.deliver(inbound(CONTACTS[1], `lost ${i}`));
			});
			const burst = Array.from({ length: 50 }, (_, i) => inbound(CONTACTS[i % 3], `burst ${i}`));
			await Promise.all(burst.map((m) => sim.webhooks.deliver(m)));
			const texts = n8n.emitted().map((m) => m.text);
			expect(texts).toHaveLength(new Set(texts).size);
			expect(texts.sort()).toEqual(['before', 'lost 0', 'lost 1', 'lost 2', ...burst.map((m) => m.text)].sort());
			// The static data the last request saved carries every message; the history point is where the one catch-up
			// read up to (deliveries never move it).
			const state = n8n.staticData;
			expect(state.resume).toBe(false);
			expect(state.recent).toHaveLength(54);
			expect(state.recent.map(([, t]) => t * 1000).sort()).toEqual(n8n.emitted().map((m) => Date.parse(m.timestamp)).sort());
			expect(Date.parse(state.history)).toBeGreaterThan(Date.parse(n8n.emitted().find((m) => m.text === 'lost 2').timestamp) - 1);
			expect(Date.parse(state.history)).toBeLessThanOrEqual(burst[burst.length - 1].timestamp);
		} finally {
			await n8n.close();
			await sim.close();
		}
	});

	test('Download Media: the provider is answered before the file is fetched, and the item carries the binary', async () => {
		const { sim, n8n } = await setup('twochat', { options: { downloadMedia: true } });
		try {
			await n8n.activate();
			const [d] = await sim.webhooks.deliver({ ...inbound(CONTACTS[0]), type: 'image' });
			expect(d.attempts[0].body).toBe('{"received":true}');
			await sleep(200);
			expect(n8n.executions[0].binary[0].data.mimeType).toBe('image/png');
		} finally {
			await n8n.close();
			await sim.close();
		}
	});
});
