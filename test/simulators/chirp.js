'use strict';
// Chirp — `Authorization: Bearer <sk_admin_...>` (seed 002).
//   GET /v1/organization/whatsapp/messages/{messageId}  -> the flat message object (seed 002,
//       docs.buildwithchirp.com/api-reference/admin/get-v1organizationwhatsappmessages); 404 resource_not_found
//   GET /v1/organization/whatsapp/messages?limit=&cursor=&direction=  (undocumented for WhatsApp; modelled on the
//       documented SMS list, …/api-reference/admin/get-v1organizationsmsmessages) -> { messages, nextCursor (id of the
//       last item | null), totalCount }. Switch `sim.state.listMissing = true`: an account without that list (404).
// Errors { error: { type, code?, message, param? } }; 429 is { error: "Rate limit exceeded. Try again in N seconds." }
// with Retry-After. Every response carries X-RateLimit-Limit/Remaining/Reset.
const { STATUS_CODES } = require('http');
const crypto = require('crypto');
const { digits, plus, iso, ksuid, isMediaType, DAY } = require('./base');

const TYPE = { 401: 'authentication_error', 403: 'authentication_error', 402: 'provider_error', 424: 'provider_error' };
function errorBody(status, message) {
  if (status === 429) return { error: 'Rate limit exceeded. Try again in 1 seconds.' };
  if (status === 401) return { error: { type: 'authentication_error', message: message || 'Invalid API key' } };
  if (status === 404) return { error: { type: 'invalid_request_error', code: 'resource_not_found', message: message || 'Not found' } };
  const type = TYPE[status] || (status >= 500 ? 'api_error' : 'invalid_request_error');
  return { error: { type, message: message || STATUS_CODES[status] || 'Error' } };
}
const invalid = (param, message) => ({ status: 400, body: { error: { type: 'invalid_request_error', code: 'parameter_invalid', message, param } } });

const RANK = { queued: 0, sent: 1, delivered: 2, read: 3 };

function makeMessage(f, sim) {
  const inbound = f.direction === 'inbound';
  const t = f.timestamp;
  const media = isMediaType(f.type);
  const file = media && f.mediaUrl && sim.url && f.mediaUrl.startsWith(sim.url) ? sim.media.get(f.mediaUrl.slice(sim.url.length)) : null;
  const rank = inbound ? -1 : RANK[f.status] ?? -1;
  const failed = !inbound && f.status === 'failed';
  const at = (ok, offset) => (ok ? iso(t + offset) : null);
  const status = {
    queuedAt: at(!inbound, 0), sentAt: at(rank >= 1, 1000), deliveredAt: at(rank >= 2, 2000), readAt: at(rank >= 3, 3000), failedAt: at(failed, 1000),
    errorCode: failed ? '131047' : null, errorMessage: failed ? 'Re-engagement message' : null,
  };
  const updated = iso(t + (failed ? 1000 : Math.max(0, rank) * 1000));
  const day = Math.floor(t / DAY) * DAY;
  return {
    id: f.id,
    whatsappPhoneNumberId: 'wap_' + ksuid(Date.UTC(2024, 0, 1), 'chirp-wap|' + digits(f.business)),
    displayPhoneNumber: plus(f.business),
    fromPhoneNumber: inbound ? plus(f.contact) : plus(f.business),
    toPhoneNumber: inbound ? plus(f.business) : plus(f.contact),
    type: f.type === 'voice' ? 'audio' : f.type,
    direction: inbound ? 'INBOUND' : 'OUTBOUND',
    contactName: f.contactName,
    textBody: media ? null : f.text ?? null,
    mediaUrl: media ? f.mediaUrl : null,
    mediaMimeType: media ? f.mimeType : null,
    mediaFilename: media ? f.fileName : null,
    mediaCaption: media ? f.text ?? null : null,
    mediaFileSize: media ? f.size ?? (file ? file.body.length : null) : null,
    mediaSha256: file ? crypto.createHash('sha256').update(file.body).digest('hex') : null,
    isVoiceNote: f.type === 'voice' ? true : f.type === 'audio' ? false : null,
    isAnimatedSticker: f.type === 'sticker' ? false : null,
    locationLatitude: f.latitude != null ? String(f.latitude) : null,
    locationLongitude: f.longitude != null ? String(f.longitude) : null,
    locationName: f.locationName ?? null,
    locationAddress: f.locationAddress ?? null,
    reactionEmoji: null, reactionMessageId: null, buttonText: null, buttonPayload: null, replyToMessageId: null,
    isForwarded: false, isFrequentlyForwarded: false, hasReferral: false,
    ...status,
    errorTitle: failed ? 'Message failed to send because more than 24 hours have passed since the customer last replied' : null,
    errorDetails: failed ? 'Re-engagement message' : null,
    createdAt: iso(t),
    updatedAt: updated,
    recipients: inbound ? [] : [{
      id: 'rcpt_' + ksuid(t, 'chirp-rcpt|' + f.id), phoneNumber: plus(f.contact), status: (f.status || 'queued').toUpperCase(),
      ...status, createdAt: iso(t), updatedAt: updated,
    }],
    referral: null,
    order: null,
    conversationWindow: {
      id: 'wacw_' + ksuid(day, `chirp-window|${digits(f.business)}|${digits(f.contact)}|${day}`),
      originType: 'user_initiated', pricingBillable: true, pricingModel: 'PMP', pricingCategory: 'service',
      startedAt: iso(day), expiresAt: iso(day + DAY), createdAt: iso(day),
    },
    contactsData: null, templateData: null, interactiveData: null, systemData: null,
  };
}

function list(ctx, m, sim) {
  if (sim.state.listMissing) return { status: 404, body: errorBody(404, 'Not found') };
  const q = ctx.query;
  let limit = 20;
  if (q.limit !== undefined) {
    const max = sim.state.maxLimit ?? 100; // switch: a smaller maximum than ours, to force the default-size fallback
    if (!/^\d+$/.test(q.limit) || +q.limit < 1 || +q.limit > max) return invalid('limit', `limit must be an integer between 1 and ${max}`);
    limit = +q.limit;
  }
  let direction = null;
  if (q.direction !== undefined && q.direction !== '') {
    direction = String(q.direction).toUpperCase();
    if (direction !== 'INBOUND' && direction !== 'OUTBOUND') return invalid('direction', 'direction must be one of INBOUND, OUTBOUND');
  }
  const match = (x) => !direction || (x.direction ?? sim.directionOf(x)?.toUpperCase()) === direction;
  const all = sim.messages.filter(match);
  let remaining = all;
  if (q.cursor) {
    const i = sim.messages.findIndex((x) => sim.idOf(x) === q.cursor);
    if (i < 0) return invalid('cursor', 'Invalid cursor');
    remaining = sim.messages.slice(i + 1).filter(match);
  } else if (q.offset !== undefined && q.offset !== '') { // documented SMS fallback when no cursor
    if (!/^\d+$/.test(q.offset)) return invalid('offset', 'offset must be a non-negative integer');
    remaining = all.slice(+q.offset);
  }
  const messages = remaining.slice(0, limit);
  const nextCursor = remaining.length > limit ? sim.idOf(messages[messages.length - 1]) : null;
  const body = { messages, nextCursor, totalCount: all.length };
  if (sim.state.omitNextCursor) delete body.nextCursor; // a reply without the field (switch)
  return { status: 200, body };
}

function getOne(ctx, m, sim) {
  const raw = sim.messages.find((x) => x.id === m[1]);
  return raw ? { status: 200, body: raw } : { status: 404, body: errorBody(404, 'Message not found') };
}

module.exports = {
  name: 'chirp',
  defaultApiKey: 'sk_admin_test_simulator_key',
  makeId: (n, prefix = 'msg_wa_', ms = Date.UTC(2024, 0, 1)) => prefix + ksuid(ms, 'chirp-message|' + n),
  makeMessage,
  fields: { id: 'id', time: 'createdAt', timeUnit: 'iso', direction: 'direction' },
  timestampOf: (raw) => Date.parse(raw.createdAt),
  businessOf: (raw) => raw.displayPhoneNumber,
  authenticate: (ctx, sim) => {
    const m = /^Bearer\s+(.+)$/i.exec(ctx.headers.authorization || '');
    return m && m[1].trim() === sim.apiKey ? null : { status: 401, body: errorBody(401) };
  },
  errorBody,
  rateLimitReply: (secs) => ({ status: 429, headers: { 'retry-after': String(secs) }, body: { error: `Rate limit exceeded. Try again in ${secs} seconds.` } }),
  extraHeaders: (sim) => {
    const limit = sim.rateLimitConfig ? sim.rateLimitConfig.perMinute : 120;
    return { 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': String(Math.max(0, limit - sim.windowCount())), 'x-ratelimit-reset': String(sim.windowReset()) };
  },
  notFound: () => ({ status: 404, body: errorBody(404, 'Not found') }),
  routes: [
    // Undocumented for WhatsApp: shaped like docs.buildwithchirp.com/api-reference/admin/get-v1organizationsmsmessages.
    { method: 'GET', path: /^\/v1\/organization\/whatsapp\/messages\/?$/, handler: list },
    // Seed 002, docs.buildwithchirp.com/api-reference/admin/get-v1organizationwhatsappmessages — the flat object; errors
    // {error: {type, code, message}} (…/api_reference/errors).
    { method: 'GET', path: /^\/v1\/organization\/whatsapp\/messages\/([^/]+)\/?$/, handler: getOne },
  ],
};
