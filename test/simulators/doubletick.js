'use strict';
// DoubleTick — GET /chat-messages?wabaNumber&customerNumber&startDate&endDate (seed 000).
// Auth: `Authorization: <key>` (raw, no Bearer). Success is 201 (sic) with { messages: [...] }, newest first,
// no pagination. Dates DD-MM-YYYY, whole UTC days, inclusive; default the last 30 days; at most 90 days.
// Media URLs need the same Authorization header (as documented for DoubleTick webhook media).
const { STATUS_CODES } = require('http');
const { digits, hash, uuidFrom, isMediaType, DAY } = require('./base');

// The customer number is not a documented field of a message: keep it off the JSON (a non-enumerable
// symbol, plus an id index). Hand-written raws may carry `customerNumber`; it is stripped from responses.
const CUSTOMER = Symbol('customerNumber');
const customerOf = (raw, sim) => raw[CUSTOMER] ?? sim.state.customerById.get(raw.id) ?? (raw.customerNumber ? digits(raw.customerNumber) : null);

function errorBody(status, message) {
  if (status === 401) return { message: message || 'Invalid public api key', error: 'Unauthorized', statusCode: 401 };
  if (status === 404) return { message: message || 'Not Found', statusCode: 404 };
  return { message: message || STATUS_CODES[status] || 'Error', error: STATUS_CODES[status] || 'Error', statusCode: status };
}
const bad = (message) => ({ status: 400, body: errorBody(400, message) });

/** DD-MM-YYYY -> epoch ms of that UTC day, or null. */
function parseDay(s) {
  const m = /^(\d{2})-(\d{2})-(\d{4})$/.exec(String(s));
  if (!m) return null;
  const t = Date.UTC(+m[3], +m[2] - 1, +m[1]);
  const d = new Date(t);
  return d.getUTCDate() === +m[1] && d.getUTCMonth() === +m[2] - 1 ? t : null;
}

const STATUS = { queued: 'PENDING', sent: 'SENT', delivered: 'DELIVERED', read: 'READ', failed: 'FAILED' };

function makeMessage(f, sim) {
  const inbound = f.direction === 'inbound';
  const messageType = f.type === 'voice' ? 'audio' : f.type === 'system' ? 'text' : f.type;
  const message = isMediaType(f.type)
    ? { messageType, url: f.mediaUrl, caption: f.text ?? null, mimeType: f.mimeType ?? null, fileName: f.fileName ?? null }
    : f.type === 'location'
      ? { messageType, latitude: f.latitude ?? null, longitude: f.longitude ?? null, name: f.locationName ?? null, address: f.locationAddress ?? null }
      : { text: f.text ?? '', messageType };
  const st = inbound ? null : f.status;
  const rank = { queued: 0, sent: 1, delivered: 2, read: 3 }[st] ?? -1;
  const raw = {
    message,
    messageOriginType: f.type === 'system' ? 'SYSTEM' : inbound ? 'CUSTOMER' : 'USER',
    id: f.id,
    sentCount: rank >= 1 ? 1 : 0,
    readCount: rank >= 3 ? 1 : 0,
    deliveryCount: rank >= 2 ? 1 : 0,
    erroredCount: st === 'failed' ? 1 : 0,
    senderId: inbound ? 'cust_' + hash('dt-customer', digits(f.contact)).slice(0, 24) : 'user_' + hash('dt-user', f.senderName).slice(0, 24),
    templateId: null,
    repliesCount: 0,
    unreadCount: inbound ? 1 : 0,
    noResponseCount: 0,
    isFromAd: false,
    messageMetadata: { status: st ? STATUS[st] || String(st).toUpperCase() : null, ...(st === 'failed' && f.error ? { error: f.error } : {}) },
    linkAnalytics: null,
    senderUser: inbound
      ? { id: null, name: f.senderName, imageUrl: '', phoneNumber: null }
      : { id: 'user_' + hash('dt-user', f.senderName).slice(0, 24), name: f.senderName, imageUrl: '', phoneNumber: null },
    integrationId: uuidFrom('dt-integration|' + digits(f.business)),
    integrationDisplayName: 'DoubleTick Demo',
    messageTime: f.timestamp,
    quickActionButtonStats: [],
    cardButtonStats: [],
    totalCount: 1,
    integrationWabaNumber: digits(f.business),
  };
  Object.defineProperty(raw, CUSTOMER, { value: digits(f.contact), enumerable: false });
  sim.state.customerById.set(f.id, digits(f.contact));
  return raw;
}

function chatMessages(ctx, _m, sim) {
  const q = ctx.query;
  if (!digits(q.wabaNumber)) return bad('wabaNumber should not be empty');
  if (!digits(q.customerNumber)) return bad('customerNumber should not be empty');
  const today = Math.floor(Date.now() / DAY) * DAY;
  let end = today, start;
  if (q.endDate !== undefined && (end = parseDay(q.endDate)) === null) return bad('endDate must be in DD-MM-YYYY format');
  if (q.startDate !== undefined) { if ((start = parseDay(q.startDate)) === null) return bad('startDate must be in DD-MM-YYYY format'); }
  else start = end - 30 * DAY;
  if (start > end) return bad('startDate must be before or equal to endDate');
  if ((end - start) / DAY + 1 > 90) return bad('Date range cannot exceed 90 days');
  if (!sim.knowsBusiness(q.wabaNumber)) return { status: 404, body: errorBody(404, 'WABA number not found') };
  const waba = digits(q.wabaNumber), customer = digits(q.customerNumber);
  const list = sim.messages.filter((m) => digits(m.integrationWabaNumber) === waba && customerOf(m, sim) === customer
    && sim.timeOf(m) >= start && sim.timeOf(m) < end + DAY);
  const messages = list.map((m) => { const { customerNumber, ...rest } = m; return { ...rest, totalCount: list.length }; });  
  return { status: 201, body: { messages } };
}

module.exports = {
  name: 'doubletick',
  defaultApiKey: 'key_test_doubletick',
  mediaNeedsAuth: true,
  initState: () => ({ customerById: new Map() }),
  makeId: (n, prefix = '') => prefix + uuidFrom('doubletick-message|' + n),
  makeMessage,
  fields: { id: 'id', time: 'messageTime', timeUnit: 'ms', direction: 'messageOriginType' },
  timestampOf: (raw) => raw.messageTime,
  businessOf: (raw) => raw.integrationWabaNumber,
  authenticate: (ctx, sim) => (ctx.headers.authorization === sim.apiKey ? null : { status: 401, body: errorBody(401) }),
  errorBody,
  rateLimitReply: (secs) => ({
    status: 429, headers: { 'retry-after': String(secs) },
    body: { message: 'ThrottlerException: Too Many Requests', error: 'Too Many Requests', statusCode: 429 },
  }),
  notFound: (ctx) => ({ status: 404, body: { message: `Cannot ${ctx.method} ${ctx.path}`, error: 'Not Found', statusCode: 404 } }),
  // Seed 000, https://docs.doubletick.io/docs/get-chat-messages-1 — "Success Response (201)" {messages: [...]}; 400/401/404
  // bodies as documented there. The 90-day limit and the default range are this server's choices (undocumented).
  routes: [{ method: 'GET', path: /^\/chat-messages\/?$/, handler: chatMessages }],
  parseDay,
};
