'use strict';
// Self test of the provider simulators: auth, pagination, errors, faults, control endpoints, CLI.
// Run: cd /work/main && npx jest test/simulators --rootDir .   (or npx jest --config '{}' test/simulators)
const path = require('path');
const zlib = require('zlib');
const { spawn } = require('child_process');
const { startSimulator } = require('./index');

const BIZ = '+972501234567';
const C1 = '+972502222222';
const D = (s) => new Date(s).getTime();

async function call(url, init = {}) {
  const res = await fetch(url, init);
  const text = await res.text();
  let body;
  try { body = JSON.parse(text); } catch { body = text; }
  return { status: res.status, headers: res.headers, body, text };
}
const post = (url, body, headers = {}) => call(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

let sims = [];
async function sim(provider, opts) { const s = await startSimulator(provider, opts); sims.push(s); return s; }
afterEach(async () => { await Promise.all(sims.map((s) => s.close())); sims = []; });

// ----------------------------------------------------------------------------------------------
describe('DoubleTick', () => {
  const q = (s, params) => `${s.url}/chat-messages?${new URLSearchParams(params)}`;
  const SEED_KEYS = ['message', 'messageOriginType', 'id', 'sentCount', 'readCount', 'deliveryCount', 'erroredCount', 'senderId',
    'templateId', 'repliesCount', 'unreadCount', 'noResponseCount', 'isFromAd', 'messageMetadata', 'linkAnalytics', 'senderUser',
    'integrationId', 'integrationDisplayName', 'messageTime', 'quickActionButtonStats', 'cardButtonStats', 'totalCount', 'integrationWabaNumber'];

  test('auth: raw key only, checked before parameters; failures are logged', async () => {
    const s = await sim('doubletick', { apiKey: 'key_abc' });
    const unauthorized = { message: 'Invalid public api key', error: 'Unauthorized', statusCode: 401 };
    for (const headers of [{}, { Authorization: 'wrong' }, { Authorization: 'Bearer key_abc' }]) {
      const r = await call(q(s, {}), { headers });
      expect(r.status).toBe(401);
      expect(r.body).toEqual(unauthorized);
    }
    const r = await call(q(s, { customerNumber: C1 }), { headers: { Authorization: 'key_abc' } });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'Bad Request', statusCode: 400 });
    expect(r.body.message).toMatch(/wabaNumber/);
    expect(s.requests.map((x) => x.status)).toEqual([401, 401, 401, 400]);
    expect(s.requests[1].headers.authorization).toBe('wrong');
  });

  test('201, one customer, inclusive whole UTC days, newest first, documented fields only', async () => {
    const s = await sim('doubletick');
    s.generate(30, { stepMs: 3600000 }); // 2024-01-01T00:00Z .. 2024-01-02T05:00Z, contacts round-robin
    const h = { Authorization: s.apiKey };
    const r = await call(q(s, { wabaNumber: '972501234567', customerNumber: C1, startDate: '01-01-2024', endDate: '01-01-2024' }), { headers: h });
    expect(r.status).toBe(201);
    expect(r.body.messages).toHaveLength(8); // i = 0,3,..,21 on Jan 1
    const times = r.body.messages.map((m) => m.messageTime);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(Math.min(...times)).toBe(D('2024-01-01T00:00:00Z'));
    expect(Math.max(...times)).toBe(D('2024-01-01T21:00:00Z'));
    for (const m of r.body.messages) {
      expect(Object.keys(m).sort()).toEqual([...SEED_KEYS].sort());
      expect(m.totalCount).toBe(8);
      expect(m.integrationWabaNumber).toBe('972501234567');
    }
    expect(r.body.messages.map((m) => m.messageOriginType)).toContain('USER');
    expect(r.body.messages.map((m) => m.messageOriginType)).toContain('CUSTOMER');
    const two = await call(q(s, { wabaNumber: BIZ, customerNumber: '972502222222', startDate: '01-01-2024', endDate: '02-01-2024' }), { headers: h });
    expect(two.body.messages).toHaveLength(10);
  });

  test('date validation: format, order, 90-day cap, default last 30 days, unknown WABA', async () => {
    const s = await sim('doubletick');
    const h = { headers: { Authorization: s.apiKey } };
    const base = { wabaNumber: BIZ, customerNumber: C1 };
    for (const bad of [{ startDate: '2024-01-01' }, { startDate: '31-02-2024' }, { endDate: '1-1-2024' }, { startDate: '05-01-2024', endDate: '01-01-2024' }]) {
      const r = await call(q(s, { ...base, ...bad }), h);
      expect(r.status).toBe(400);
      expect(r.body.error).toBe('Bad Request');
    }
    const long = await call(q(s, { ...base, startDate: '01-01-2024', endDate: '31-03-2024' }), h); // 91 days
    expect(long.body).toEqual({ message: 'Date range cannot exceed 90 days', error: 'Bad Request', statusCode: 400 });
    expect((await call(q(s, { ...base, startDate: '01-01-2024', endDate: '30-03-2024' }), h)).status).toBe(201); // 90 days
    const now = Date.now();
    s.add([s.makeMessage({ id: 'recent', timestamp: now - 86400000, contact: C1 }), s.makeMessage({ id: 'old', timestamp: now - 40 * 86400000, contact: C1 })]);
    const def = await call(q(s, base), h);
    expect(def.body.messages.map((m) => m.id)).toEqual(['recent']);
    const unknown = await call(q(s, { ...base, wabaNumber: '+15550001111' }), h);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ statusCode: 404 });
  });

  test('media needs the Authorization header; the default PNG is valid', async () => {
    const s = await sim('doubletick');
    const [img] = s.generate(1, { mediaEvery: 1 });
    expect(img.message).toMatchObject({ messageType: 'image', url: `${s.url}/media/image.png`, mimeType: 'image/png', fileName: 'image.png', caption: 'message 1' });
    expect((await fetch(img.message.url)).status).toBe(401);
    const res = await fetch(img.message.url, { headers: { Authorization: s.apiKey } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await res.arrayBuffer());
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.length).toBeGreaterThan(100);
    expect(png.length).toBeLessThan(1000);
    const idatLen = png.readUInt32BE(33);
    expect(png.toString('ascii', 37, 41)).toBe('IDAT');
    expect(zlib.inflateSync(png.subarray(41, 41 + idatLen)).length).toBe(8 * (1 + 8 * 3));
    expect(s.requestsTo('/media/').map((r) => [r.status, r.hasAuth])).toEqual([[401, false], [200, true]]);
  });
});

// ----------------------------------------------------------------------------------------------
describe('2Chat', () => {
  const H = (s) => ({ headers: { 'X-User-API-Key': s.apiKey } });

  test('auth and /open/info', async () => {
    const s = await sim('twochat', { apiKey: 'test-key-2chat' });
    expect(await call(`${s.url}/open/info`)).toMatchObject({ status: 401, body: { success: false, message: 'Invalid API key' } });
    expect((await call(`${s.url}/open/info`, { headers: { 'X-User-API-Key': 'nope' } })).status).toBe(401);
    const r = await call(`${s.url}/open/info`, H(s));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ success: true, limits: { requests_per_minute: 80 } });
    expect(r.body.usage.api_request_count).toBe(3);
  });

  test('pages of 100, 0-based, newest first, empty past the end; + or %2B or digits', async () => {
    const s = await sim('twochat');
    s.generate(250);
    const pages = [];
    for (let p = 0; p < 4; p++) {
      const r = await call(`${s.url}/open/whatsapp/messages/%2B972501234567?page_number=${p}`, H(s));
      expect(r.status).toBe(200);
      expect(r.body.success).toBe(true);
      expect(r.body.page_number).toBe(p);
      pages.push(r.body.messages);
    }
    expect(pages.map((x) => x.length)).toEqual([100, 100, 50, 0]);
    const ids = pages.flat().map((m) => m.uuid);
    expect(ids).toEqual(s.messages.map((m) => m.uuid));
    expect(new Set(ids).size).toBe(250);
    const first = pages[0][0];
    expect(first).toMatchObject({ message: { text: 'message 250' }, channel_phone_number: BIZ });
    expect(typeof first.timestamp).toBe('number');
    expect(first.session_key).toMatch(/^WW-WPN[0-9a-f-]{36}-\d+@c\.us$/);
    expect(['user', 'agent', 'api']).toContain(first.sent_by);
    const noPage = await call(`${s.url}/open/whatsapp/messages/+972501234567`, H(s));
    expect(noPage.body.page_number).toBe(0);
    expect(noPage.body.messages[0].uuid).toBe(first.uuid);
    const digitsOnly = await call(`${s.url}/open/whatsapp/messages/972501234567?page_number=2`, H(s));
    expect(digitsOnly.body.messages).toHaveLength(50);
    const remote = await call(`${s.url}/open/whatsapp/messages/%2B972501234567/%2B972502222222?page_number=0`, H(s));
    expect(remote.body.messages.length).toBe(84); // i % 3 === 0 of 250
    expect(remote.body.messages.every((m) => m.remote_phone_number === C1)).toBe(true);
    const sentBy = new Set(s.messages.map((m) => m.sent_by));
    expect([...sentBy].sort()).toEqual(['agent', 'api', 'user']);
  });

  test('unknown number → 404; bad page_number → 400', async () => {
    const s = await sim('twochat');
    expect(await call(`${s.url}/open/whatsapp/messages/+15550000000`, H(s))).toMatchObject({ status: 404, body: { success: false, message: 'number not found' } });
    expect((await call(`${s.url}/open/whatsapp/messages/+972501234567?page_number=-1`, H(s))).status).toBe(400);
  });

  test('single message by session_key and uuid', async () => {
    const s = await sim('twochat');
    const [out, inn] = s.generate(2); // newest (outbound) first
    const url = (m) => `${s.url}/open/whatsapp/message/${encodeURIComponent(m.session_key)}/${m.uuid}`;
    const r = await call(url(inn), H(s));
    expect(r.status).toBe(200);
    expect(r.body.success).toBe(true);
    expect(r.body.message).toMatchObject({ id: inn.uuid, uuid: inn.uuid, session_key: inn.session_key, message: inn.message, is_from_chatter: true, sent_by: 'user' });
    expect(r.body.message.created_at).toBe('2024-01-01T00:00:00Z');
    for (const k of ['is_from_flow_run', 'is_from_api', 'is_from_agent', 'wa_msg_id', 'wa_msg_ack', 'sent', 'received', 'read', 'read_at']) expect(r.body.message).toHaveProperty(k);
    const o = await call(`${s.url}/open/whatsapp/message/${out.session_key}/${out.uuid}`, H(s)); // raw '@' also accepted
    expect(o.body.message).toMatchObject({ is_from_chatter: false, wa_msg_ack: 2, created_at: '2024-01-01T00:01:00Z' });
    expect(await call(`${s.url}/open/whatsapp/message/${encodeURIComponent(out.session_key)}/MSGnope`, H(s))).toMatchObject({ status: 404, body: { success: false, message: 'message not found' } });
  });

  test('rate limit: 429 {success:false} without Retry-After; media is public', async () => {
    const s = await sim('twochat');
    s.rateLimit({ perMinute: 2 });
    expect((await call(`${s.url}/open/info`, H(s))).status).toBe(200);
    expect((await call(`${s.url}/media/voice.ogg`)).status).toBe(200);
    const r = await call(`${s.url}/open/info`, H(s));
    expect(r).toMatchObject({ status: 429, body: { success: false, message: 'Too many requests' } });
    expect(r.headers.get('retry-after')).toBeNull();
  });
});

// ----------------------------------------------------------------------------------------------
describe('Chirp', () => {
  const LIST = '/v1/organization/whatsapp/messages';
  const H = (s) => ({ headers: { Authorization: `Bearer ${s.apiKey}` } });

  test('auth: Bearer key; 401 body; X-RateLimit headers everywhere', async () => {
    const s = await sim('chirp', { apiKey: 'sk_admin_abc' });
    for (const headers of [{}, { Authorization: 'sk_admin_abc' }, { Authorization: 'Bearer wrong' }]) {
      const r = await call(`${s.url}${LIST}`, { headers });
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ error: { type: 'authentication_error', message: 'Invalid API key' } });
      expect(r.headers.get('x-ratelimit-limit')).toBe('120');
    }
    const ok = await call(`${s.url}${LIST}?limit=1`, H(s));
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ messages: [], nextCursor: null, totalCount: 0 });
    expect(Number(ok.headers.get('x-ratelimit-remaining'))).toBe(116);
    expect(Number(ok.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
  });

  test('cursor pagination, direction filter, limit bounds, unknown cursor', async () => {
    const s = await sim('chirp');
    s.generate(45);
    const seen = [];
    let cursor = null, calls = 0;
    do {
      const r = await call(`${s.url}${LIST}?limit=20${cursor ? `&cursor=${cursor}` : ''}`, H(s));
      expect(r.status).toBe(200);
      expect(r.body.totalCount).toBe(45);
      seen.push(r.body.messages.map((m) => m.id));
      cursor = r.body.nextCursor;
      if (cursor) expect(cursor).toBe(r.body.messages[r.body.messages.length - 1].id);
      calls++;
    } while (cursor && calls < 10);
    expect(seen.map((p) => p.length)).toEqual([20, 20, 5]);
    expect(seen.flat()).toEqual(s.messages.map((m) => m.id));
    const def = await call(`${s.url}${LIST}`, H(s));
    expect(def.body.messages).toHaveLength(20);
    const inbound = await call(`${s.url}${LIST}?limit=100&direction=INBOUND`, H(s));
    expect(inbound.body.totalCount).toBe(23);
    expect(inbound.body.nextCursor).toBeNull();
    expect(inbound.body.messages.every((m) => m.direction === 'INBOUND' && m.toPhoneNumber === BIZ)).toBe(true);
    for (const bad of ['limit=101', 'limit=0', 'limit=abc', 'cursor=msg_wa_nope', 'direction=sideways']) {
      const r = await call(`${s.url}${LIST}?${bad}`, H(s));
      expect(r.status).toBe(400);
      expect(r.body.error.type).toBe('invalid_request_error');
    }
  });

  test('single message: full documented object; 404 body', async () => {
    const s = await sim('chirp');
    const msgs = s.generate(4, { mediaEvery: 2 });
    for (const m of msgs) expect(m.id).toMatch(/^msg_wa_[0-9A-Za-z]{27}$/);
    const r = await call(`${s.url}${LIST}/${msgs[0].id}`, H(s));
    expect(r.status).toBe(200);
    expect(r.body).toEqual(msgs[0]);
    expect(r.body).toMatchObject({ direction: 'OUTBOUND', type: 'image', fromPhoneNumber: BIZ, displayPhoneNumber: BIZ, mediaUrl: `${s.url}/media/image.png` });
    expect(r.body.conversationWindow.id).toMatch(/^wacw_/);
    expect(r.body.createdAt).toBe('2024-01-01T00:03:00Z');
    for (const k of ['whatsappPhoneNumberId', 'contactName', 'textBody', 'mediaSha256', 'isVoiceNote', 'locationLatitude', 'reactionEmoji', 'buttonPayload',
      'replyToMessageId', 'isForwarded', 'hasReferral', 'queuedAt', 'sentAt', 'deliveredAt', 'readAt', 'failedAt', 'errorCode', 'errorTitle', 'errorDetails',
      'updatedAt', 'recipients', 'referral', 'order', 'contactsData', 'templateData', 'interactiveData', 'systemData']) expect(r.body).toHaveProperty(k);
    expect(r.body.deliveredAt).not.toBeNull();
    expect(await call(`${s.url}${LIST}/msg_wa_2DbBs7GWhGvVNJGrDXr5RG0mBWI`, H(s))).toMatchObject({
      status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_not_found', message: 'Message not found' } },
    });
  });

  test('rate limit: 429 with Retry-After, X-RateLimit-* and the plain-string error', async () => {
    const s = await sim('chirp');
    s.rateLimit({ perMinute: 2 });
    await call(`${s.url}${LIST}`, H(s));
    const second = await call(`${s.url}${LIST}`, H(s));
    expect(second.headers.get('x-ratelimit-remaining')).toBe('0');
    const r = await call(`${s.url}${LIST}`, H(s));
    expect(r.status).toBe(429);
    expect(r.body.error).toMatch(/^Rate limit exceeded\. Try again in \d+ seconds\.$/);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(r.headers.get('x-ratelimit-limit')).toBe('2');
  });
});

// ----------------------------------------------------------------------------------------------
describe('99digital', () => {
  const URL_ = (s) => `${s.url}/whatsapp/v2/getHistory`;

  test('FAIL reasons at HTTP 200: key first (3), from (2), page (4)', async () => {
    const s = await sim('ninetyninedigital', { apiKey: 'k99' });
    const cases = [
      [{ apiKey: 'bad', from: '972501234567', page: 1 }, 3],
      [{ from: '972501234567', page: 1 }, 3],
      [{ apiKey: 'bad', page: 0 }, 3],
      [{ apiKey: 'k99', page: 1 }, 2],
      [{ apiKey: 'k99', from: '15550000000', page: 1 }, 2],
      [{ apiKey: 'k99', from: '972501234567' }, 4],
      [{ apiKey: 'k99', from: '972501234567', page: 0 }, 4],
      [{ apiKey: 'k99', from: '972501234567', page: '1' }, 4],
      [{ apiKey: 'k99', from: '972501234567', page: 1.5 }, 4],
    ];
    for (const [body, reason] of cases) expect(await post(URL_(s), body)).toMatchObject({ status: 200, body: { status: 'FAIL', reason } });
    expect((await call(URL_(s), { method: 'POST', body: 'oops{' })).body).toEqual({ status: 'FAIL', reason: 3 });
    expect(s.requests).toHaveLength(cases.length + 1);
  });

  test('bare arrays of 50, 1-based, newest first; `to` narrows; documented item shape', async () => {
    const s = await sim('ninetyninedigital');
    s.generate(120);
    const sizes = [];
    const all = [];
    for (let page = 1; page <= 4; page++) {
      const r = await post(URL_(s), { apiKey: s.apiKey, from: '972501234567', page });
      expect(r.status).toBe(200);
      expect(Array.isArray(r.body)).toBe(true);
      sizes.push(r.body.length);
      all.push(...r.body);
    }
    expect(sizes).toEqual([50, 50, 20, 0]);
    expect(all.map((m) => m.unique)).toEqual(s.messages.map((m) => m.unique));
    const ts = all.map((m) => Number(m.timestamp));
    expect(ts).toEqual([...ts].sort((a, b) => b - a));
    const [newest, next] = all;
    expect(newest).toEqual({ unique: newest.unique, timestamp: String(D('2024-01-01T01:59:00Z') / 1000), direction: '2', from: '972501234567', to: '972504444444', type: 'chat', state: 1, message: 'message 120' });
    expect(next).toMatchObject({ direction: '1', from: '972503333333', to: '972501234567', state: 0 });
    const to = await post(URL_(s), { apiKey: s.apiKey, from: '+972501234567', to: '972502222222', page: 1 });
    expect(to.body).toHaveLength(40);
    expect(to.body.every((m) => m.from === '972502222222' || m.to === '972502222222')).toBe(true);
  });

  test('neutral → raw types and failed outbound reason', async () => {
    const s = await sim('ninetyninedigital');
    const voice = s.makeMessage({ type: 'voice', direction: 'inbound' });
    const file = s.makeMessage({ type: 'document', direction: 'outbound' });
    const failed = s.makeMessage({ direction: 'outbound', status: 'failed', text: 'x' });
    expect(voice).toMatchObject({ type: 'ptt', message: `${s.url}/media/voice.ogg` });
    expect(file).toMatchObject({ type: 'file', message: `${s.url}/media/document.pdf`, state: 1 });
    expect(failed).toMatchObject({ type: 'chat', state: 0, reason: expect.any(String) });
    expect(s.messages).toHaveLength(0); // makeMessage does not add
  });
});

// ----------------------------------------------------------------------------------------------
describe('faults, latency, store and control endpoints', () => {
  const H2 = (s) => ({ headers: { 'X-User-API-Key': s.apiKey } });

  test('status faults: times, after, Retry-After, default provider bodies, invalid JSON', async () => {
    const s = await sim('twochat');
    s.generate(150);
    const page1 = `${s.url}/open/whatsapp/messages/+972501234567?page_number=1`;
    const f = s.fault({ path: '/open/whatsapp/messages', status: 429, headers: { 'Retry-After': '1' }, after: 1 });
    expect((await call(`${s.url}/open/whatsapp/messages/+972501234567`, H2(s))).status).toBe(200); // skipped (after: 1)
    const r = await call(page1, H2(s));
    expect(r).toMatchObject({ status: 429, body: { success: false, message: 'Too many requests' } });
    expect(r.headers.get('retry-after')).toBe('1');
    expect((await call(page1, H2(s))).body.messages).toHaveLength(50);
    expect(f).toMatchObject({ seen: 3, used: 1 });

    s.fault({ path: '/open/info', status: 503 });
    expect(await call(`${s.url}/open/info`, H2(s))).toMatchObject({ status: 503, body: { success: false } });
    s.fault({ path: /messages/, method: 'GET', status: 200, body: 'oops{' });
    const broken = await call(page1, H2(s));
    expect(broken.status).toBe(200);
    expect(broken.text).toBe('oops{');
    expect(s.requests.map((x) => x.status)).toEqual([200, 429, 200, 503, 200]);

    const dt = await sim('doubletick');
    dt.fault({ status: 502, times: 2 });
    const q = `${dt.url}/chat-messages?wabaNumber=972501234567&customerNumber=972502222222`;
    expect((await call(q)).body).toEqual({ message: 'Bad Gateway', error: 'Bad Gateway', statusCode: 502 }); // faults come before auth
    expect((await call(q)).status).toBe(502);
    expect((await call(q)).status).toBe(401);

    const ch = await sim('chirp');
    ch.fault({ status: 429 });
    const limited = await call(`${ch.url}/v1/organization/whatsapp/messages`);
    expect(limited.body).toEqual({ error: 'Rate limit exceeded. Try again in 1 seconds.' });
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('x-ratelimit-limit')).toBe('120');
  });

  test('destroy, delay, latency', async () => {
    const s = await sim('ninetyninedigital');
    s.fault({ destroy: true });
    await expect(fetch(`${s.url}/whatsapp/v2/getHistory`, { method: 'POST', body: '{}' })).rejects.toThrow();
    expect(s.requests[0].status).toBe(0);
    s.fault({ delayMs: 150 });
    let t = Date.now();
    expect((await post(`${s.url}/whatsapp/v2/getHistory`, { apiKey: s.apiKey, from: BIZ, page: 1 })).body).toEqual([]);
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);
    s.setLatency(100);
    t = Date.now();
    await post(`${s.url}/whatsapp/v2/getHistory`, {});
    expect(Date.now() - t).toBeGreaterThanOrEqual(90);
    s.setLatency(0);
    t = Date.now();
    await post(`${s.url}/whatsapp/v2/getHistory`, {});
    expect(Date.now() - t).toBeLessThan(90);
  });

  test('repeatPage and onRequest (a message arriving mid-run)', async () => {
    const s = await sim('twochat');
    s.generate(250);
    s.fault({ path: '/open/whatsapp/messages', repeatPage: 0, times: Infinity, after: 1 });
    const p0 = await call(`${s.url}/open/whatsapp/messages/+972501234567?page_number=0`, H2(s));
    const p1 = await call(`${s.url}/open/whatsapp/messages/+972501234567?page_number=1`, H2(s));
    expect(p1.body.page_number).toBe(1);
    expect(p1.body.messages.map((m) => m.uuid)).toEqual(p0.body.messages.map((m) => m.uuid));

    const n = await sim('ninetyninedigital');
    n.generate(100);
    const url = `${n.url}/whatsapp/v2/getHistory`;
    const body = (page) => ({ apiKey: n.apiKey, from: '972501234567', page });
    const first = await post(url, body(1));
    const seen = [];
    n.fault({ onRequest: (req) => { seen.push(req.body.page); n.add(n.makeMessage({ id: 'NEWEST', timestamp: D('2030-01-01') })); } });
    const second = await post(url, body(2));
    expect(seen).toEqual([2]);
    expect(second.body[0].unique).toBe(first.body[49].unique); // everything shifted by one
    expect(n.messages[0].unique).toBe('NEWEST');
    const rp = n.fault({ repeatPage: 1 });
    expect((await post(url, body(3))).body[0].unique).toBe('NEWEST');
    expect(rp.used).toBe(1);
  });

  test('store: newest first, stable for equal timestamps, generate options, reset', async () => {
    const s = await sim('doubletick');
    const a = s.makeMessage({ id: 'a', timestamp: 1000 });
    const b = s.makeMessage({ id: 'b', timestamp: 1000 });
    const c = s.makeMessage({ id: 'c', timestamp: 2000 });
    s.add(a); s.add([b, c]);
    expect(s.messages.map((m) => m.id)).toEqual(['c', 'b', 'a']);
    const g = s.generate(6, { contacts: [C1], start: D('2024-02-01'), stepMs: 1000, mediaEvery: 3, idPrefix: 'x-', business: '+15551230000' });
    expect(g.map((m) => m.messageTime)).toEqual([5, 4, 3, 2, 1, 0].map((i) => D('2024-02-01') + i * 1000));
    expect(g.every((m) => m.id.startsWith('x-') && m.integrationWabaNumber === '15551230000')).toBe(true);
    expect(g.map((m) => m.messageOriginType)).toEqual(['USER', 'CUSTOMER', 'USER', 'CUSTOMER', 'USER', 'CUSTOMER']);
    expect(g.map((m) => m.message.messageType)).toEqual(['image', 'text', 'text', 'image', 'text', 'text']);
    expect(s.messages).toHaveLength(9);
    const again = await sim('doubletick');
    again.makeMessage({}); again.makeMessage({}); again.makeMessage({});
    expect(again.generate(6, { contacts: [C1], start: D('2024-02-01'), stepMs: 1000, mediaEvery: 3, idPrefix: 'x-', business: '+15551230000' }).map((m) => m.id))
      .toEqual(g.map((m) => m.id)); // deterministic
    s.fault({ status: 500 }); s.setLatency(50); s.rateLimit({ perMinute: 1 });
    s.reset();
    expect([s.messages.length, s.requests.length, s.faults.length, s.latencyMs, s.rateLimitConfig]).toEqual([0, 0, 0, 0, null]);
    expect(s.media.has('/media/image.png')).toBe(true);
    const u = s.addMedia('/media/doc.txt', Buffer.from('hello'), 'text/plain');
    expect(await (await fetch(u, { headers: { Authorization: s.apiKey } })).text()).toBe('hello');
  });

  test('HTTP control endpoints (not logged, no auth)', async () => {
    const s = await sim('twochat');
    expect((await post(`${s.url}/__sim/generate`, { count: 5, contacts: [C1] })).body).toHaveLength(5);
    const added = await post(`${s.url}/__sim/messages`, [{ id: 'MSGx', timestamp: D('2030-01-01'), direction: 'outbound', contact: C1, text: 'hi' }]);
    expect(added.body[0]).toMatchObject({ uuid: 'MSGx', sent_by: expect.stringMatching(/agent|api/), message: { text: 'hi' } });
    expect(s.messages).toHaveLength(6);
    expect(s.messages[0].uuid).toBe('MSGx');
    const f = await post(`${s.url}/__sim/fault`, { path: '/open/info', status: 500, times: null });
    expect(f.body.times).toBe('Infinity');
    expect((await call(`${s.url}/open/info`, H2(s))).status).toBe(500);
    expect((await call(`${s.url}/open/info`, H2(s))).status).toBe(500);
    await post(`${s.url}/__sim/fault`, { pathRegex: '^/open/whatsapp/messages/', status: 502 });
    expect((await call(`${s.url}/open/whatsapp/messages/+972501234567`, H2(s))).status).toBe(502);
    await call(`${s.url}/__sim/fault`, { method: 'DELETE' });
    expect((await call(`${s.url}/open/info`, H2(s))).status).toBe(200);
    await post(`${s.url}/__sim/latency`, { ms: 30 });
    expect(s.latencyMs).toBe(30);
    const log = await call(`${s.url}/__sim/requests`);
    expect(log.body.map((r) => r.path)).toEqual(['/open/info', '/open/info', '/open/whatsapp/messages/+972501234567', '/open/info']);
    expect(log.body[0].headers['x-user-api-key']).toBe(s.apiKey);
    await post(`${s.url}/__sim/reset`, {});
    expect([s.messages.length, s.requests.length, s.latencyMs]).toEqual([0, 0, 0]);
  });

  test('cli prints one JSON line and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [path.join(__dirname, 'cli.js'), 'chirp', '--messages', '3', '--key', 'sk_admin_cli', '--business', '+15550001111']);
    const line = await new Promise((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (d) => { buf += d; if (buf.includes('\n')) resolve(buf.split('\n')[0]); });
      child.on('error', reject);
      child.on('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const info = JSON.parse(line);
    expect(info).toMatchObject({ provider: 'chirp', apiKey: 'sk_admin_cli', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    const r = await call(`${info.url}/v1/organization/whatsapp/messages`, { headers: { Authorization: 'Bearer sk_admin_cli' } });
    expect(r.body.totalCount).toBe(3);
    expect(r.body.messages[0].displayPhoneNumber).toBe('+15550001111');
    const code = await new Promise((resolve) => { child.removeAllListeners('exit'); child.on('exit', resolve); child.kill('SIGTERM'); });
    expect(code).toBe(0);
  });
});
