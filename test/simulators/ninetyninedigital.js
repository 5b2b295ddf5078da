'use strict';
// 99digital — POST /whatsapp/v2/getHistory, JSON { apiKey, from, to?, page } (seed 004). The key is in the body.
// Failures come back as HTTP 200 { status: "FAIL", reason }: 3 wrong apiKey (checked first), 2 unknown `from`,
// 4 bad `page`. Success: a bare array, 50 per page, page 1-based, newest first; `to` narrows to one contact.
// Items: { unique, timestamp: "<epoch s>", direction: "1" in | "2" out, from, to (digits), type, state, message, reason? }.
const { STATUS_CODES } = require('http');
const { digits, hash, isMediaType } = require('./base');

const PAGE = 50;
const FAIL = (reason) => ({ status: 200, body: { status: 'FAIL', reason } });
const errorBody = (status, message) => ({ status: 'FAIL', message: message || STATUS_CODES[status] || 'Error' });

// Neutral type -> documented type: incoming text/image/audio/video/location/ptt/document, outgoing text/file/location/ptt.
// Text is 'chat', as in the docs' own sample.
function typeOf(type, inbound) {
  if (type === 'text') return 'chat';
  if (type === 'voice') return 'ptt';
  if (type === 'location') return 'location';
  if (inbound) return type;
  return isMediaType(type) ? 'file' : type;
}

function makeMessage(f) {
  const inbound = f.direction === 'inbound';
  const failed = !inbound && f.status === 'failed';
  const raw = {
    unique: f.id,
    timestamp: String(Math.floor(f.timestamp / 1000)),
    direction: inbound ? '1' : '2',
    from: digits(inbound ? f.contact : f.business),
    to: digits(inbound ? f.business : f.contact),
    type: typeOf(f.type, inbound),
    state: inbound || failed ? 0 : 1,
    message: isMediaType(f.type) ? f.mediaUrl : f.type === 'location' && f.latitude != null ? `${f.latitude},${f.longitude}` : f.text ?? '',
  };
  if (failed) raw.reason = f.error || 'Message failed to send';
  return raw;
}

function getHistory(ctx, m, sim) {
  const b = ctx.body;
  if (!b.from || !sim.knowsBusiness(b.from)) return FAIL(2);
  if (!Number.isInteger(b.page) || b.page < 1) return FAIL(4);
  const own = digits(b.from), contact = b.to ? digits(b.to) : null;
  const inbound = (x) => (x.direction ?? (sim.directionOf(x) === 'inbound' ? '1' : '2')) === '1';
  const all = sim.select(`history|${own}|${contact}`, (x) => digits(inbound(x) ? x.to : x.from) === own
    && (!contact || digits(x.from) === contact || digits(x.to) === contact));
  const from = ((ctx.pageOverride ?? b.page) - 1) * PAGE;
  return { status: 200, body: all.slice(Math.max(0, from), Math.max(0, from) + PAGE) };
}

module.exports = {
  name: 'ninetyninedigital',
  defaultApiKey: 'test-key-99digital',
  makeId: (n, prefix = '3EB0') => prefix + hash('99digital-message|' + n).slice(0, 16).toUpperCase(),
  makeMessage,
  fields: { id: 'unique', time: 'timestamp', timeUnit: 's', direction: 'direction' },
  timestampOf: (raw) => Number(raw.timestamp) * 1000,
  businessOf: (raw) => (raw.direction === '1' ? raw.to : raw.from),
  authenticate: (ctx, sim) => {
    const b = ctx.body;
    return b && typeof b === 'object' && !Array.isArray(b) && b.apiKey === sim.apiKey ? null : FAIL(3);
  },
  errorBody,
  rateLimitReply: (secs) => ({ status: 429, headers: { 'retry-after': String(secs) }, body: errorBody(429, 'Too Many Requests') }),
  notFound: () => ({ status: 404, body: errorBody(404, 'Not Found') }),
  // Seed 004, https://docs.99digital.co.il/whatsapp-api/get-history — a bare array; FAIL reasons as on the get-webhook page
  // (…/whatsapp-api/webhook/get-webhook: 2 "from" account does not exist, 3 wrong apiKey).
  routes: [{ method: 'POST', path: /^\/whatsapp\/v2\/getHistory\/?$/, handler: getHistory }],
};
