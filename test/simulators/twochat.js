'use strict';
// 2Chat — header X-User-API-Key (seeds 001, 003).
//   GET /open/info
//   GET /open/whatsapp/messages/{your-number}[/{remote-number}]?page_number=N   (0-based, 100 per page, newest first)
//   GET /open/whatsapp/message/{session_key}/{uuid}
//   GET /open/whatsapp/get-numbers  (developers.2chat.co/docs/API/WhatsApp/list-numbers: the WhatsApp Web numbers,
//       `channel_type` "WW")
//   GET /open/waba/numbers  (the WABA numbers: path and `{success, numbers}` as 2Chat's own n8n node reads them,
//       2ChatCo/2chat-n8n nodes/TwoChat/v1/methods/loadOptions.ts getWabaNumbers)
//   GET /open/waba/numbers/{waba_uuid}  (developers.2chat.co/docs/API/WhatsApp/WABA/get-number)
// Switch: `sim.state.waba.add(digits)` makes a business number a WABA channel (session keys `WA-WAN…-<digits>`, listed by
// /open/waba/numbers instead of get-numbers). Its history is served by the same messages route (assumed: 2Chat's
// get-messages page says "your 2Chat-connected WhatsApp number" without naming WABA).
//   POST /open/whatsapp/send-message {from_number, to_number, text}  (https://developers.2chat.co/docs/API/WhatsApp/send-message;
//        the reply's shape is not in our copy of the docs: `{success: true, message_uuid}` is assumed). The message is
//        stored in the history as an outbound text sent by the API (used by the AI-agent example's reply).
// Errors: { success: false, message }. No Retry-After on 429.
const { STATUS_CODES } = require('http');
const { digits, plus, hash, uuidFrom, isoSeconds, isMediaType } = require('./base');

const PAGE = 100;
const EXTRA = Symbol('twochatExtra'); // status for the single-message endpoint (not a list field)

const MESSAGES = {
  401: 'Invalid API key', 402: 'API credits exhausted', 404: 'not found', 409: 'number is booting, try again',
  410: 'number is connecting, try again', 429: 'Too many requests', 486: 'number busy, try again',
};
const errorBody = (status, message) => ({ success: false, message: message || MESSAGES[status] || STATUS_CODES[status] || 'error' });
const fail = (status, message) => ({ status, body: errorBody(status, message) });

const channelUuid = (business) => 'WPN' + uuidFrom('2chat-channel|' + digits(business));
const wabaUuid = (business) => 'WAN' + uuidFrom('2chat-waba|' + digits(business));
const sessionKey = (business, contact) => `WW-${channelUuid(business)}-${digits(contact)}@c.us`;
// developers.2chat.co/docs/API/WhatsApp/WABA/webhooks/payload-examples: "WA-WAN3ff9fb72-…-595981378890".
const wabaSessionKey = (business, contact) => `WA-${wabaUuid(business)}-${digits(contact)}`;
const isWaba = (sim, business) => sim.state.waba.has(digits(business));
const MEDIA_TYPE = { voice: 'ptt', sticker: 'sticker' };

const ACK = { queued: 0, sent: 1, delivered: 2, read: 3, failed: 0, received: 3 };

function makeMessage(f, sim) {
  const inbound = f.direction === 'inbound';
  const message = isMediaType(f.type)
    ? { media: { url: f.mediaUrl, type: MEDIA_TYPE[f.type] || f.type, mime_type: f.mimeType, ...(f.caption ? { caption: f.caption } : {}) } }
    : f.type === 'location'
      ? { location: { latitude: f.latitude ?? null, longitude: f.longitude ?? null, name: f.locationName ?? null, address: f.locationAddress ?? null } }
      : { text: f.text ?? '' };
  const raw = {
    uuid: f.id,
    timestamp: f.timestamp / 1000,
    session_key: f.sessionKey || (isWaba(sim, f.business) ? wabaSessionKey : sessionKey)(f.business, f.contact),
    message,
    remote_phone_number: plus(f.contact),
    channel_phone_number: plus(f.business),
    sent_by: inbound ? 'user' : f.sentBy || (f.n % 4 === 0 ? 'api' : 'agent'),
  };
  // Outbound list items carry their WhatsApp ack like the single read (0 queued … 3 read), and the contact's
  // saved name where there is one, so every field of the item shows in the list too.
  if (!inbound) raw.wa_msg_ack = ACK[f.status] ?? 2;
  if (f.contactName) {
    const [first, ...rest] = String(f.contactName).split(' ');
    raw.contact = { first_name: first, last_name: rest.join(' ') || null };
  }
  const extra = { status: f.status };
  Object.defineProperty(raw, EXTRA, { value: extra, enumerable: false });
  sim.state.extraById.set(f.id, extra);
  return raw;
}

function single(raw, sim) {
  const extra = raw[EXTRA] || sim.state.extraById.get(raw.uuid) || {};
  const inbound = raw.sent_by === 'user';
  const ack = ACK[extra.status] ?? (inbound ? 3 : 2);
  const ms = raw.timestamp * 1000;
  return {
    id: raw.uuid, uuid: raw.uuid, session_key: raw.session_key, message: raw.message,
    created_at: isoSeconds(ms), remote_phone_number: raw.remote_phone_number, sent_by: raw.sent_by,
    is_from_flow_run: false, is_from_api: raw.sent_by === 'api', is_from_chatter: inbound, is_from_agent: raw.sent_by === 'agent',
    wa_msg_id: hash('2chat-wa', raw.uuid).slice(0, 20).toUpperCase(), wa_msg_ack: ack,
    sent: ack >= 1, received: ack >= 2, read: ack >= 3, read_at: ack >= 3 ? isoSeconds(ms + 60000) : null,
  };
}

function listMessages(ctx, m, sim) {
  const q = ctx.query.page_number;
  if (q !== undefined && q !== '' && !/^\d+$/.test(q)) return fail(400, 'page_number must be a non-negative integer');
  const page = q === undefined || q === '' ? 0 : Number(q);
  if (!sim.knowsBusiness(m[1])) return fail(404, 'number not found');
  const own = digits(m[1]), remote = m[2] ? digits(m[2]) : null;
  const all = sim.select(`list|${own}|${remote}`, (x) => digits(x.channel_phone_number) === own && (!remote || digits(x.remote_phone_number) === remote));
  const from = (ctx.pageOverride ?? page) * PAGE;
  return { status: 200, body: { success: true, page_number: page, messages: all.slice(from, from + PAGE) } };
}

function getMessage(ctx, m, sim) {
  const key = m[1], id = m[2];
  const raw = sim.messages.find((x) => x.uuid === id && x.session_key === key);
  return raw ? { status: 200, body: { success: true, message: single(raw, sim) } } : fail(404, 'message not found');
}

function businessNumbers(sim) {
  return [...new Set([digits(sim.business), ...sim.messages.map((x) => digits(x.channel_phone_number))])];
}

function sendMessage(ctx, m, sim) {
  const b = ctx.body && typeof ctx.body === 'object' ? ctx.body : {};
  if (typeof b.to_number !== 'string' || !b.to_number || typeof b.text !== 'string') return fail(422, 'to_number and text are required');
  if (!b.from_number || !sim.knowsBusiness(b.from_number)) return fail(404, 'number not found');
  const raw = sim.makeMessage({ direction: 'outbound', business: plus(b.from_number), contact: plus(b.to_number), text: b.text, sentBy: 'api', timestamp: Math.max(Date.now(), ...sim.messages.map((x) => x.timestamp * 1000 + 1)) });
  sim.add(raw);
  sim.state.sent = [...(sim.state.sent || []), { from: plus(b.from_number), to: plus(b.to_number), text: b.text, uuid: raw.uuid }];
  return { status: 200, body: { success: true, message_uuid: raw.uuid } };
}

function numbers(sim) {
  return businessNumbers(sim).filter((d) => !isWaba(sim, d)).map((d) => ({
    uuid: channelUuid(d), friendly_name: 'Simulator ' + d.slice(-4), phone_number: '+' + d, iso_country_code: 'IL',
    pushname: 'Simulator', server: `${d}@c.us`, platform: 'android', connection_status: 'C', enabled: true,
    is_business_profile: true, channel_type: 'WW', sync_contacts: false, created_at: '2024-01-01 00:00:00', updated_at: '2024-01-01 00:00:00',
  }));
}

// The fields of developers.2chat.co/docs/API/WhatsApp/WABA/get-number.
function wabaNumber(d) {
  return {
    uuid: wabaUuid(d), account_uuid: 'ACT' + uuidFrom('2chat-account'), business_id: '1234567890', friendly_name: 'Simulator WABA ' + d.slice(-4),
    iso_country_code: 'IL', verified_name: 'Simulator', phone_number: '+' + d, formatted_phone_number: '+' + d, phone_number_id: hash('2chat-pnid', d).slice(0, 12),
    channel_type: 'whatsapp', connection_status: 'C', enabled: true, pushname: 'Simulator', business_calling_enabled: false, messaging_provider: 'meta',
    is_coexistence: false, created_at: '2024-01-01 00:00:00', updated_at: '2024-01-01 00:00:00',
  };
}
const wabaNumbers = (sim) => businessNumbers(sim).filter((d) => isWaba(sim, d)).map(wabaNumber);

module.exports = {
  name: 'twochat',
  defaultApiKey: 'test-key-2chat',
  initState: () => ({ extraById: new Map(), waba: new Set() }),
  makeId: (n, prefix = 'MSG') => prefix + uuidFrom('2chat-message|' + n),
  makeMessage,
  fields: { id: 'uuid', time: 'timestamp', timeUnit: 's', direction: 'sent_by' },
  sessionKey,
  wabaSessionKey,
  wabaUuid,
  channelUuid,
  isWaba,
  timestampOf: (raw) => raw.timestamp * 1000,
  businessOf: (raw) => raw.channel_phone_number,
  authenticate: (ctx, sim) => (ctx.headers['x-user-api-key'] === sim.apiKey ? null : fail(401)),
  errorBody,
  rateLimitReply: () => fail(429, 'Too many requests'),
  notFound: () => fail(404, 'not found'),
  routes: [
    {
      // developers.2chat.co/docs/API/authentication (the key test) and …/API/billing: {success, account, limits:
      // {requests_per_minute}, usage}.
      method: 'GET', path: /^\/open\/info\/?$/, handler: (ctx, m, sim) => ({
        status: 200, body: {
          success: true,
          account: { name: 'Simulator', uuid: 'ACC' + uuidFrom('2chat-account'), on_trial: false, blocked: false, created_at: '2024-01-01T00:00:00Z', expires_at: null },
          limits: { requests_per_minute: sim.rateLimitConfig ? sim.rateLimitConfig.perMinute : 80 },
          usage: { api_request_count: sim.requests.length, max_api_request_count: 100000, number_check_count: 0, max_number_check_count: 1000 },
        },
      }),
    },
    // developers.2chat.co/docs/API/WhatsApp/list-numbers — {success, numbers: [{uuid, phone_number, channel_type, ...}]}.
    { method: 'GET', path: /^\/open\/whatsapp\/get-numbers\/?$/, handler: (ctx, m, sim) => ({ status: 200, body: { success: true, numbers: numbers(sim) } }) },
    // No doc page stored: path and {success, numbers} as 2Chat's own n8n node reads them (getWabaNumbers).
    { method: 'GET', path: /^\/open\/waba\/numbers\/?$/, handler: (ctx, m, sim) => ({ status: 200, body: { success: true, numbers: wabaNumbers(sim) } }) },
    {
      // developers.2chat.co/docs/API/WhatsApp/WABA/get-number — {success, number: {...}}.
      method: 'GET', path: /^\/open\/waba\/numbers\/([^/]+)\/?$/, handler: (ctx, m, sim) => {
        const found = wabaNumbers(sim).find((n) => n.uuid === m[1]);
        return found ? { status: 200, body: { success: true, number: found } } : fail(404, 'number not found');
      },
    },
    // Seed 001, developers.2chat.co/docs/API/WhatsApp/get-messages — {success, page_number, messages}.
    { method: 'GET', path: /^\/open\/whatsapp\/messages\/([^/]+)(?:\/([^/]+))?\/?$/, handler: listMessages },
    // Seed 003 (…/get-message) — {success, message: {...}} (the docs' sample has a trailing comma: valid JSON here).
    { method: 'GET', path: /^\/open\/whatsapp\/message\/(.+)\/([^/]+)$/, handler: getMessage },
    { method: 'POST', path: /^\/open\/whatsapp\/send-message\/?$/, handler: sendMessage },
  ],
};
