'use strict';
// The webhook side of the provider simulators: each provider's webhook management API (as documented, see
// /work/shared/research/webhooks.md §2) and a delivery engine that POSTs each provider's documented payload shape with
// its authenticity mechanism, with switches for the failure modes an instant trigger must survive.
//
//   const { startWebhookSimulator } = require('./webhooks');
//   const sim = await startWebhookSimulator('twochat', { apiKey });   // = startSimulator(...) + attachWebhooks(sim)
//   sim.webhooks.registrations()            -> [{ id, url, events, business, headers, auth, name }] (all kinds, normalized)
//   await sim.webhooks.deliver(fields | raw, { store = true }) -> the delivery records
//        stores the message in the history (as `sim.add`) and POSTs it to every matching registration
//   await sim.webhooks.deliverStatus(raw, 'read')  -> a status/receipt event for a stored message
//   sim.webhooks.switches = { drop, duplicate, retries, retryDelayMs, timeoutMs, wrongSecret, wrap, reorder, secretAs, contactAs,
//                             wabaReceived }
//        drop: n        the next n deliveries are lost (stored in the history, never POSTed)
//        duplicate: true  every delivery is POSTed twice ('concurrent': both copies at the same moment)
//        retries: n     a failed attempt (non-2xx, error or no answer within timeoutMs) is retried n times
//        timeoutMs      the provider's answer timeout (default 5000, as 99digital and Chirp document)
//        wrongSecret: true  deliveries carry a wrong secret (token / header / bearer)
//        dropQuery: true    the provider calls the registered URL without its query string (no token at all)
//        wrap: true     DoubleTick: the body is wrapped as { payload: {...} } (help-center examples)
//        reorder: true  deliveries are held until release(), then sent newest first
//        secretAs       DoubleTick: 'both' (default: Authorization: Bearer + the registered headers/query), 'bearer',
//                       'bare' (Authorization: <secret>), 'second' (only the registered headers/query)
//        contactAs      DoubleTick: 'string' (default, as documented) or 'object' ({name, phoneNumber})
//        wabaReceived   2Chat: false = a WABA number refuses the `whatsapp.waba.message.received` subscription
//   sim.state.waba.add(digits)               2Chat: that business number is a WABA channel (see twochat.js)
//        deliveryIdsDiffer: true  DoubleTick: deliveries carry only `messageId` (a WhatsApp id), not the history's id
//        loseRegisterReplies: n   the next n register calls are saved, then their reply is lost (`lostReplyAs`:
//                       'reset' (default) drops the connection, a number answers that status instead)
//   await sim.webhooks.release()             sends held deliveries (reversed: out of order)
//   sim.webhooks.deliveries                  [{ provider, registrationId, url, messageId, kind, attempts: [{ status, ms, error }] }]
//   sim.webhooks.setSlot(number, { url, ... }) 99digital: what the number's single webhook slot holds now
//   sim.webhooks.managementCalls()           requests to the management API (for "no extra API calls" checks)
// HTTP control (no auth): GET /__sim/webhooks, POST /__sim/webhooks/deliver {fields}, POST /__sim/webhooks/switches.
//
// Choices where the docs are silent: 2Chat list is `{success, webhooks}`; Chirp list `{webhooks}`, delete 204; DoubleTick
// register answers 201 without the new id (as its edit endpoint's documented reply), has no delete route, and its
// delivery's `dtMessageId` is the history's `id` (`messageId` is a WhatsApp wamid); 99digital status hooks have
// `hook: "status"`.
const http = require('http');
const { URL } = require('url');
const { startSimulator } = require('./index');
const twoChatSim = require('./twochat');
const { digits, plus, hash, isoSeconds, iso, isMediaType } = require('./base');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function post(url, body, headers, timeoutMs) {
  const started = Date.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (r) => { if (!done) { done = true; resolve({ ...r, ms: Date.now() - started }); } };
    let u;
    try { u = new URL(url); } catch { return finish({ status: 0, error: 'bad url' }); }
    const payload = Buffer.from(JSON.stringify(body));
    const req = http.request({
      method: 'POST', hostname: u.hostname, port: u.port, path: u.pathname + u.search,
      headers: { 'content-type': 'application/json', 'content-length': payload.length, ...headers },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => finish({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => finish({ status: 0, error: e.message }));
    });
    req.setTimeout(timeoutMs, () => { req.destroy(); finish({ status: 0, error: 'timeout' }); });
    req.on('error', (e) => finish({ status: 0, error: e.message }));
    req.end(payload);
  });
}

// 99digital's webhook slot as getWebhook documents it: `system` and `systemPhoneAlert` are strings, `retry` and
// `readStatus` numbers (https://docs.99digital.co.il/whatsapp-api/webhook/get-webhook).
const EMPTY_SLOT = { url: '', system: '0', systemPhoneAlert: '', retry: 0, readStatus: 0 };
/** A setWebhook value → the value getWebhook shows. Anything but a phone list in systemPhoneAlert is kept as text. */
function asDocumented99(key, value) {
  if (key === 'url' || key === 'systemPhoneAlert') return String(value).trim() === '' ? '' : String(value);
  if (key === 'system') return String(value) === '1' ? '1' : '0';
  return Number(value) === 1 ? 1 : 0;
}
/** A number set up by its owner before the trigger came: system notifications to two phones, read-status hooks on. */
const NINETY_NINE_USER_SETTINGS = { system: '1', systemPhoneAlert: '972502211234,972527788695', readStatus: 1, retry: 0 };

/**
 * How DoubleTick calls a registration back. The register body's `headers` and `query` are "sent with the request"
 * (documented); how `authorization` is rendered is not, hence the switch `secretAs`:
 *   'both'   (default) `Authorization: Bearer <payload>` (`Basic` for BASIC) and the registered headers and query
 *   'bearer' only `Authorization: Bearer <payload>`
 *   'bare'   only `Authorization: <payload>`
 *   'second' only the registered headers and query, no Authorization
 */
function doubleTickDelivery(hook, secretAs = 'both') {
  const auth = hook.authorization && hook.authorization.payload;
  const scheme = hook.authorization && hook.authorization.type === 'BASIC' ? 'Basic' : 'Bearer';
  const headers = {};
  if (auth && (secretAs === 'both' || secretAs === 'bearer')) headers.authorization = `${scheme} ${auth}`;
  if (auth && secretAs === 'bare') headers.authorization = auth;
  let url = hook.url;
  if (secretAs === 'both' || secretAs === 'second') {
    Object.assign(headers, hook.headers || {});
    const query = new URLSearchParams(Object.entries(hook.query || {}).map(([k, v]) => [k, String(v)])).toString();
    if (query) url += (url.includes('?') ? '&' : '?') + query;
  }
  return { url, headers };
}

// 2Chat's events per channel. WhatsApp Web: developers.2chat.co/docs/API/WhatsApp/webhooks/subscribe. WABA: the
// documented …/WABA/webhooks/subscribe list plus `whatsapp.waba.message.received` (2Chat's own n8n node).
const TWOCHAT_EVENTS = ['whatsapp.message.new', 'whatsapp.message.received', 'whatsapp.message.sent', 'whatsapp.message.receipt.sent', 'whatsapp.message.receipt.received', 'whatsapp.message.receipt.read'];
const twoChatWabaEvents = (sw) => [
  'whatsapp.waba.message.sent', 'whatsapp.waba.message.receipt.sent', 'whatsapp.waba.message.receipt.received',
  ...(sw.wabaReceived === false ? [] : ['whatsapp.waba.message.received']),
];

/**
 * developers.2chat.co/docs/API/WhatsApp/WABA/webhooks/payload-examples ("Message Sent"): the message plus `event`,
 * `_2chat_link`, `channel`, `to_number` and `contact`; the session key is `WA-WAN…-<digits>` and `created_at` has no
 * zone ("2026-02-18T18:01:35"). A received message is given the same shape with `sent_by: "user"` (no example is
 * documented).
 */
function twoChatWabaPayload(raw) {
  const inbound = raw.sent_by === 'user';
  const channel = twoChatSim.wabaUuid(raw.channel_phone_number);
  return {
    id: raw.uuid, uuid: raw.uuid, session_key: raw.session_key, message: raw.message,
    created_at: isoSeconds(raw.timestamp * 1000).replace(/Z$/, ''), remote_phone_number: raw.remote_phone_number,
    _2chat_link: `https://app.2chat.io/live-chat/STE${hash('2chat-ste', channel).slice(0, 24)}/${raw.session_key}`,
    channel_phone_number: raw.channel_phone_number, sent_by: raw.sent_by,
    event: inbound ? 'whatsapp.waba.message.received' : 'whatsapp.waba.message.sent',
    channel: {
      uuid: channel, friendly_name: 'Simulator WABA', iso_country_code: 'IL', verified_name: 'APPROVED', phone_number: raw.channel_phone_number,
      connection_status: 'C', created_at: '2024-01-01 00:00:00', updated_at: '2024-01-01 00:00:00',
    },
    ...(inbound ? {} : { to_number: raw.remote_phone_number }),
    contact: {
      uuid: 'CON' + hash('2chat-contact', raw.remote_phone_number).slice(0, 24), first_name: 'Contact', last_name: raw.remote_phone_number.slice(-4),
      name: `Contact ${raw.remote_phone_number.slice(-4)}`, channel_uuid: null, profile_pic_url: null, last_updated: isoSeconds(Date.now()),
    },
  };
}

const wrongen = (s) => (s ? s.slice(0, -1) + (s.endsWith('0') ? '1' : '0') : 'wrong');

// ----------------------------------------------------------------------------------------------------------------
// Per provider: management routes, which registrations receive a message, and the payloads.
// ----------------------------------------------------------------------------------------------------------------
const PROVIDERS = {
  twochat: {
    initState: () => ({ hooks: [] }),
    routes: (W) => [
      {
        // developers.2chat.co/docs/API/WhatsApp/webhooks/subscribe (WhatsApp Web events) and …/WABA/webhooks/subscribe
        // (WABA events): {hook_url, on_number} → {success, data: {uuid: "WHK…", event_name, channel_uuid, hook_url,
        // hook_params, created_at}}. A number takes only its channel's events (400 otherwise: the docs do not say how
        // 2Chat refuses them); switch `wabaReceived: false` refuses `whatsapp.waba.message.received`, which only
        // 2Chat's own n8n node names.
        method: 'POST', path: /^\/open\/webhooks\/subscribe\/([^/]+)\/?$/, handler: (ctx, m, sim) => {
          const b = ctx.body || {};
          if (!b.hook_url) return { status: 400, body: { success: false, message: 'hook_url is required' } };
          if (!b.on_number || !sim.knowsBusiness(b.on_number)) return { status: 404, body: { success: false, message: 'number not found' } };
          const waba = twoChatSim.isWaba(sim, b.on_number);
          const offered = waba ? twoChatWabaEvents(W.switches) : TWOCHAT_EVENTS;
          if (!offered.includes(m[1])) return { status: 400, body: { success: false, message: `event ${m[1]} is not available for this number` } };
          const hook = {
            uuid: 'WHK' + hash('2chat-hook', ++W.seq, b.hook_url).slice(0, 24), event_name: m[1],
            channel_uuid: waba ? twoChatSim.wabaUuid(b.on_number) : twoChatSim.channelUuid(b.on_number), hook_url: b.hook_url,
            hook_params: {}, on_number: plus(b.on_number), created_at: isoSeconds(Date.now()),
          };
          W.state.hooks.push(hook);
          const { on_number, ...data } = hook;
          return { status: 200, body: { success: true, data } };
        },
      },
      // developers.2chat.co/docs/API/WhatsApp/webhooks/list-all-webhooks — {success, webhooks: [...]}.
      { method: 'GET', path: /^\/open\/webhooks\/?$/, handler: () => ({ status: 200, body: { success: true, webhooks: W.state.hooks.map(({ on_number, ...h }) => h) } }) },
      {
        // No doc page stored; 2Chat's own n8n node calls DELETE webhooks/{uuid} (2ChatCo/2chat-n8n TwoChatTrigger).
        method: 'DELETE', path: /^\/open\/webhooks\/([^/]+)\/?$/, handler: (ctx, m) => {
          const i = W.state.hooks.findIndex((h) => h.uuid === m[1]);
          if (i < 0) return { status: 404, body: { success: false, message: 'webhook not found' } };
          W.state.hooks.splice(i, 1);
          return { status: 200, body: { success: true } };
        },
      },
    ],
    registrations: (W) => W.state.hooks.map((h) => ({ id: h.uuid, url: h.hook_url, events: [h.event_name], business: h.on_number })),
    inbound: (raw) => raw.sent_by === 'user',
    targets(W, raw, sim) {
      const inbound = this.inbound(raw);
      const waba = twoChatSim.isWaba(sim, raw.channel_phone_number);
      const wanted = waba
        ? [inbound ? 'whatsapp.waba.message.received' : 'whatsapp.waba.message.sent']
        : [inbound ? 'whatsapp.message.received' : 'whatsapp.message.sent', 'whatsapp.message.new'];
      return W.state.hooks.filter((h) => digits(h.on_number) === digits(raw.channel_phone_number) && wanted.includes(h.event_name))
        .map((h) => ({ id: h.uuid, url: h.hook_url, headers: {} }));
    },
    payload(raw, W, sim) {
      if (twoChatSim.isWaba(sim, raw.channel_phone_number)) return twoChatWabaPayload(raw);
      // developers.2chat.co/docs/API/WhatsApp/webhooks/payload-examples ("New Message Received"): `id` = `uuid`,
      // `created_at` with Z, `contact` when the sender is in the contacts.
      return {
        id: raw.uuid, uuid: raw.uuid, created_at: isoSeconds(raw.timestamp * 1000), session_key: raw.session_key, message: raw.message,
        remote_phone_number: raw.remote_phone_number, channel_phone_number: raw.channel_phone_number, sent_by: raw.sent_by,
        contact: { first_name: 'Contact', last_name: raw.remote_phone_number.slice(-4), profile_pic_url: null },
      };
    },
    statusPayload: (raw, status, sim) => ({
      event: twoChatSim.isWaba(sim, raw.channel_phone_number) ? `whatsapp.waba.message.receipt.${status}` : `whatsapp.message.receipt.${status}`,
      uuid: raw.uuid, session_key: raw.session_key, created_at: isoSeconds(Date.now()),
    }),
    idOf: (raw) => raw.uuid,
    spoil: (t) => ({ ...t, url: t.url.replace(/token=([^&]*)/, (_, v) => `token=${wrongen(v)}`) }),
  },

  chirp: {
    initState: () => ({ hooks: [] }),
    // Webhook management is app-level: only the app key is accepted there.
    authenticate: (ctx, W) => {
      const m = /^Bearer\s+(.+)$/i.exec(ctx.headers.authorization || '');
      return m && m[1].trim() === W.appKey ? null : { status: 401, body: { error: { type: 'authentication_error', message: 'Invalid API key' } } };
    },
    routes: (W) => [
      {
        // docs.buildwithchirp.com/api-reference/app/post-v1webhooks — {url, events, headers} → 201 {id, url, events,
        // headers, createdAt, ...}.
        method: 'POST', path: /^\/v1\/webhooks\/?$/, handler: (ctx) => {
          const b = ctx.body || {};
          if (!b.url || !Array.isArray(b.events) || !b.events.length) {
            return { status: 400, body: { error: { type: 'invalid_request_error', message: 'url and events are required', param: b.url ? 'events' : 'url' } } };
          }
          const hook = { id: 'wh_' + hash('chirp-hook', ++W.seq).slice(0, 24), url: b.url, events: b.events, headers: b.headers || {}, createdAt: iso(Date.now()) };
          W.state.hooks.push(hook);
          return { status: 201, body: hook };
        },
      },
      // docs.buildwithchirp.com/whatsapp/webhooks-setup names "List Webhooks" and "Delete Webhook" without paths or
      // envelopes: GET /v1/webhooks → {webhooks} and DELETE /v1/webhooks/{id} → 204 are assumed.
      { method: 'GET', path: /^\/v1\/webhooks\/?$/, handler: () => ({ status: 200, body: { webhooks: W.state.hooks } }) },
      {
        method: 'DELETE', path: /^\/v1\/webhooks\/([^/]+)\/?$/, handler: (ctx, m) => {
          const i = W.state.hooks.findIndex((h) => h.id === m[1]);
          if (i < 0) return { status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_not_found', message: 'Webhook not found' } } };
          W.state.hooks.splice(i, 1);
          return { status: 204, body: undefined };
        },
      },
    ],
    registrations: (W) => W.state.hooks.map((h) => ({ id: h.id, url: h.url, events: h.events, headers: h.headers })),
    inbound: (raw) => raw.direction === 'INBOUND',
    targets(W, raw) {
      const want = this.inbound(raw) ? 'messages.whatsapp.received' : 'messages.whatsapp.sent';
      return W.state.hooks.filter((h) => h.events.includes(want)).map((h) => ({ id: h.id, url: h.url, headers: h.headers }));
    },
    // docs.buildwithchirp.com/api_reference/webhooks — one shape (`data.message`) for inbound and outbound messages.
    payload(raw) {
      const inbound = this.inbound(raw);
      const media = raw.mediaUrl ? { url: raw.mediaUrl, id: 'med_' + hash('chirp-media', raw.id).slice(0, 24), mimeType: raw.mediaMimeType, caption: raw.mediaCaption, fileSize: raw.mediaFileSize, filename: raw.mediaFilename } : undefined;
      return {
        event: inbound ? 'messages.whatsapp.received' : 'messages.whatsapp.sent',
        timestamp: iso(Date.now()),
        data: {
          message: {
            id: raw.id, from: raw.fromPhoneNumber, to: raw.toPhoneNumber, type: raw.type, direction: inbound ? 'inbound' : 'outbound',
            text: raw.textBody, receivedAt: raw.createdAt, occurredAt: raw.createdAt, source: 'cloud_api', isHistoricalImport: false,
            conversationWindow: { id: raw.conversationWindow.id, originType: 'user_initiated', expiresAt: raw.conversationWindow.expiresAt },
            contactName: raw.contactName, ...(media ? { mediaUrl: raw.mediaUrl, mediaId: media.id, media } : {}), context: null,
          },
          app: { id: 'app_simulator', name: 'Simulator' },
        },
      };
    },
    statusPayload: (raw, status) => ({ event: `messages.whatsapp.${status}`, timestamp: iso(Date.now()), data: { message: { id: raw.id, status, [`${status}At`]: iso(Date.now()) } } }),
    idOf: (raw) => raw.id,
    spoil: (t) => ({ ...t, headers: Object.fromEntries(Object.entries(t.headers).map(([k, v]) => [k, wrongen(String(v))])) }),
  },

  doubletick: {
    initState: () => ({ hooks: [] }),
    routes: (W) => [
      {
        // https://docs.doubletick.io/docs/register-new-webhook — {method, headers?, body?, query?,
        // authorization: {type: BASIC|BEARER, payload}, url, bodyFormat, webhookEvents, retryOnTimeout, name,
        // wabaNumbers}. The reply is not documented: the edit endpoint's documented reply is used.
        method: 'POST', path: /^\/v2\/webhook\/register\/?$/, handler: (ctx) => {
          const b = ctx.body || {};
          if (!b.url || !Array.isArray(b.webhookEvents)) return { status: 400, body: { message: ['url must be a URL address'], error: 'Bad Request', statusCode: 400 } };
          const hook = { webhookId: hash('dt-hook', ++W.seq).slice(0, 24), ...b, createdBy: 'api' };
          W.state.hooks.push(hook);
          return { status: 201, body: { validWebhooks: (b.wabaNumbers || []).flatMap((n) => b.webhookEvents.map((e) => ({ wabaNumber: n, webhookEventType: e }))), invalidWebhooks: [] } };
        },
      },
      {
        // https://docs.doubletick.io/docs/get-webhooks-1 — a bare array, "Success Response (201)".
        method: 'GET', path: /^\/v2\/webhooks\/?$/, handler: () => ({
          status: 201, body: W.state.hooks.map((h) => ({ webhookId: h.webhookId, url: h.url, wabaNumbers: h.wabaNumbers, eventTypes: h.webhookEvents, integrationCount: 1, createdBy: h.createdBy, name: h.name })),
        }),
      },
      {
        // https://docs.doubletick.io/docs/edit-webhook — POST /v2/webhook/:webhookId with the register body → 201
        // {validWebhooks: [{wabaNumber, webhookEventType}], ...}.
        method: 'POST', path: /^\/v2\/webhook\/([^/]+)\/?$/, handler: (ctx, m) => {
          const hook = W.state.hooks.find((h) => h.webhookId === m[1]);
          if (!hook) return { status: 404, body: { message: 'Webhook not found', statusCode: 404 } };
          Object.assign(hook, ctx.body || {});
          return { status: 201, body: { validWebhooks: (hook.wabaNumbers || []).flatMap((n) => hook.webhookEvents.map((e) => ({ wabaNumber: n, webhookEventType: e }))), invalidWebhooks: [] } };
        },
      },
    ],
    registrations: (W) => W.state.hooks.map((h) => ({ id: h.webhookId, url: h.url, events: h.webhookEvents, business: h.wabaNumbers, auth: h.authorization, headers: h.headers, query: h.query, name: h.name })),
    inbound: (raw) => raw.messageOriginType === 'CUSTOMER',
    targets(W, raw) {
      if (!this.inbound(raw)) return [];
      return W.state.hooks.filter((h) => (h.wabaNumbers || []).map(digits).includes(digits(raw.integrationWabaNumber)) && (h.webhookEvents || []).includes('MESSAGE_RECEIVED'))
        .map((h) => ({ id: h.webhookId, ...doubleTickDelivery(h, W.switches.secretAs) }));
    },
    // https://doubletick.readme.io/reference/webhooks (Message Received): {to, from, messageId, dtMessageId, receivedAt,
    // integrationType, status, message: {type: TEXT|IMAGE|..., text?, url?, caption?}, contact: string}.
    payload(raw, W, sim) {
      const m = raw.message || {};
      const customer = sim.state.customerById.get(raw.id);
      const name = `Contact ${String(customer).slice(-4)}`;
      return {
        to: digits(raw.integrationWabaNumber), from: customer, messageId: 'wamid.' + hash('dt-wamid', raw.id).slice(0, 32),
        // Which id equals the history's is undocumented: on the switch only the WhatsApp id comes.
        ...(W.switches.deliveryIdsDiffer ? {} : { dtMessageId: raw.id }),
        receivedAt: new Date(raw.messageTime).toISOString(), integrationType: 'WHATSAPP', status: 'RECEIVED',
        message: { type: String(m.messageType || 'text').toUpperCase(), ...(m.text !== undefined ? { text: m.text } : {}), ...(m.url ? { url: m.url, caption: m.caption } : {}) },
        contact: W.switches.contactAs === 'object' ? { name, phoneNumber: customer } : name,
      };
    },
    statusPayload: (raw, status) => ({ event: 'MESSAGE_STATUS_UPDATE', dtMessageId: raw.id, messageId: 'wamid.' + hash('dt-wamid', raw.id).slice(0, 32), status: status.toUpperCase(), to: digits(raw.integrationWabaNumber), updatedAt: new Date().toISOString() }),
    idOf: (raw) => raw.id,
    // A wrong value everywhere the secret can travel: Authorization, the registered headers and query.
    spoil: (t) => ({
      ...t,
      headers: Object.fromEntries(Object.entries(t.headers).map(([k, v]) => [k, wrongen(String(v))])),
      url: t.url.replace(/([?&][^=&]+)=([^&]*)/g, (_, k, v) => `${k}=${wrongen(decodeURIComponent(v))}`),
    }),
  },

  ninetyninedigital: {
    initState: () => ({ slots: new Map() }),
    routes: (W) => [
      {
        // https://docs.99digital.co.il/SetWebhook.html — {apiKey, from, url (" " clears it), system 0|1,
        // systemPhoneAlert (phones, comma-separated, up to 5; " " clears it), readStatus 0|1, retry 0|1}, all but
        // apiKey/from optional. A setting left out keeps its value here (the docs do not say).
        method: 'POST', path: /^\/whatsapp\/v2\/setWebhook\/?$/, handler: (ctx, m, sim) => {
          const b = ctx.body;
          if (!b.from || !sim.knowsBusiness(b.from)) return { status: 200, body: { status: 'FAIL', reason: 2 } };
          if (b.url !== undefined && typeof b.url !== 'string') return { status: 200, body: { status: 'FAIL', reason: 4 } };
          const slot = { ...(W.state.slots.get(digits(b.from)) || EMPTY_SLOT) };
          for (const k of Object.keys(EMPTY_SLOT)) if (b[k] !== undefined) slot[k] = asDocumented99(k, b[k]);
          W.state.slots.set(digits(b.from), slot);
          return { status: 200, body: { status: 'OK', reason: 1 } };
        },
      },
      {
        // https://docs.99digital.co.il/whatsapp-api/webhook/get-webhook — {status, url, system: "1",
        // systemPhoneAlert: "0501234567", retry: 1, readStatus: 1, reason: 1}; the URL is empty by default.
        method: 'POST', path: /^\/whatsapp\/v2\/getWebhook\/?$/, handler: (ctx, m, sim) => {
          const b = ctx.body;
          if (!b.from || !sim.knowsBusiness(b.from)) return { status: 200, body: { status: 'FAIL', reason: 2 } };
          const slot = W.state.slots.get(digits(b.from)) || EMPTY_SLOT;
          return { status: 200, body: { status: 'OK', ...slot, reason: 1 } };
        },
      },
    ],
    registrations: (W) => [...W.state.slots.entries()].filter(([, s]) => s.url).map(([n, s]) => ({ id: n, url: s.url, business: '+' + n, ...s })),
    inbound: (raw) => raw.direction === '1',
    targets(W, raw) {
      if (!this.inbound(raw)) return [];
      const slot = W.state.slots.get(digits(raw.to));
      return slot && slot.url ? [{ id: digits(raw.to), url: slot.url, headers: {}, retry: slot.retry }] : [];
    },
    // https://docs.99digital.co.il/whatsapp-api/webhook/webhook — incoming message, `timestamp` a string of seconds.
    payload: (raw) => ({
      status: 'OK', hook: 'new', unique: raw.unique, from: raw.from, from_id: null, username: null, country: 'IL', phone: raw.from, to: raw.to,
      senderName: 'Contact ' + raw.from.slice(-4), type: raw.type === 'chat' ? 'text' : raw.type, body: raw.message, caption: null, isForwarded: false,
      timestamp: raw.timestamp, media: isMediaType(raw.type), quote: false, quoteUnique: false, profilePic: null, conversationTimeLeft: '600',
    }),
    statusPayload: (raw, status) => ({ status: 'OK', hook: 'status', unique: raw.unique, state: status, from: raw.to, to: raw.from, timestamp: String(Math.floor(Date.now() / 1000)) }),
    idOf: (raw) => raw.unique,
    spoil: (t) => ({ ...t, url: t.url.replace(/token=([^&]*)/, (_, v) => `token=${wrongen(v)}`) }),
  },
};

const DEFAULT_SWITCHES = {
  drop: 0, duplicate: false, retries: 0, retryDelayMs: 50, timeoutMs: 5000, wrongSecret: false, dropQuery: false, wrap: false, reorder: false,
  secretAs: 'both', contactAs: 'string', wabaReceived: true, loseRegisterReplies: 0, lostReplyAs: 'reset', deliveryIdsDiffer: false,
};

/** The calls that create (or set) a registration, per provider. */
const REGISTER = {
  twochat: /^POST \/open\/webhooks\/subscribe\//,
  chirp: /^POST \/v1\/webhooks\/?$/,
  doubletick: /^POST \/v2\/webhook\/register\/?$/,
  ninetyninedigital: /^POST \/whatsapp\/v2\/setWebhook\/?$/,
};

/** Adds the webhook side to a running simulator (see the header). Returns `sim.webhooks`. */
function attachWebhooks(sim, opts = {}) {
  const def = PROVIDERS[sim.provider];
  if (!def) throw new Error(`no webhook simulation for ${sim.provider}`);
  const W = {
    provider: sim.provider,
    appKey: opts.appKey || 'sk_test_app_simulator',
    seq: 0,
    state: def.initState(),
    deliveries: [],
    held: [],
    switches: { ...DEFAULT_SWITCHES },
  };
  const routes = def.routes(W);
  const isManagement = (ctx) => routes.some((r) => r.method === ctx.method && r.path.test(ctx.pathname));

  // Plugged in front of the simulator's own routing and control endpoints (no change to base.js needed).
  const route = sim._route.bind(sim);
  sim._route = (ctx) => {
    for (const r of routes) {
      if (r.method !== ctx.method) continue;
      const m = r.path.exec(ctx.pathname);
      if (!m) continue;
      const denied = def.authenticate ? def.authenticate(ctx, W) : sim.def.authenticate(ctx, sim);
      if (denied) return denied;
      const reply = r.handler(ctx, m, sim);
      if (REGISTER[sim.provider].test(`${ctx.method} ${ctx.pathname}`) && W.switches.loseRegisterReplies > 0) {
        // Saved by the provider; the reply never reaches the caller (or says the provider failed).
        W.switches.loseRegisterReplies--;
        if (W.switches.lostReplyAs !== 'reset') return { status: Number(W.switches.lostReplyAs), body: { message: 'Internal server error' } };
        ctx.record.status = 0;
        if (typeof ctx.res.socket.resetAndDestroy === 'function') ctx.res.socket.resetAndDestroy(); else ctx.res.destroy();
      }
      return reply;
    }
    return route(ctx);
  };
  const control = sim._control.bind(sim);
  sim._control = (method, path, body, res) => {
    const reply = (value, status = 200) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (method === 'GET' && path === '/__sim/webhooks') return reply({ registrations: W.registrations(), deliveries: W.deliveries, switches: W.switches });
    if (method === 'POST' && path === '/__sim/webhooks/switches') { Object.assign(W.switches, body || {}); return reply(W.switches); }
    if (method === 'POST' && path === '/__sim/webhooks/deliver') { W.deliver(body || {}).then((d) => reply(d), (e) => reply({ error: e.message }, 500)); return undefined; }
    return control(method, path, body, res);
  };
  const reset = sim.reset.bind(sim);
  sim.reset = () => {
    reset();
    W.state = def.initState();
    W.deliveries.length = 0;
    W.held.length = 0;
    W.switches = { ...DEFAULT_SWITCHES };
  };

  W.registrations = () => def.registrations(W);
  W.managementCalls = () => sim.requests.filter((r) => isManagement({ method: r.method, pathname: decodeURIComponent(r.path) }));
  /** 99digital: what the number's single webhook slot holds (values stored as getWebhook documents them). */
  W.setSlot = (number, slot) => {
    const stored = { ...EMPTY_SLOT };
    for (const [k, v] of Object.entries(slot)) stored[k] = asDocumented99(k, v);
    W.state.slots.set(digits(number), stored);
  };
  W.slot = (number) => W.state.slots.get(digits(number));

  async function attempt(record, target, body) {
    const sw = W.switches;
    for (let i = 0; i <= sw.retries; i++) {
      if (i > 0) await sleep(sw.retryDelayMs);
      const r = await post(target.url, body, target.headers, sw.timeoutMs);
      record.attempts.push({ status: r.status, ms: r.ms, error: r.error, body: r.body });
      if (r.status >= 200 && r.status < 300) return;
    }
  }

  /** One delivery to one registration, POSTed twice when the `duplicate` switch says so. */
  async function deliverOnce(record, target, payload) {
    if (W.switches.duplicate === 'concurrent') {
      await Promise.all([attempt(record, target, payload), attempt(record, target, payload)]);
      return;
    }
    await attempt(record, target, payload);
    if (W.switches.duplicate) await attempt(record, target, payload);
  }

  async function send(raw, kind, body) {
    const sw = W.switches;
    const records = [];
    let targets = def.targets(W, raw, sim);
    if (sw.wrongSecret) targets = targets.map((t) => def.spoil(t));
    if (sw.dropQuery) targets = targets.map((t) => ({ ...t, url: t.url.split('?')[0] }));
    for (const target of targets) {
      const payload = sw.wrap && sim.provider === 'doubletick' ? { payload: body } : body;
      const record = { provider: sim.provider, registrationId: target.id, url: target.url, messageId: def.idOf(raw), kind, payload, attempts: [], dropped: false };
      W.deliveries.push(record);
      records.push(record);
      if (kind === 'message' && sw.drop > 0) {
        sw.drop--;
        record.dropped = true;
        continue;
      }
      if (sw.reorder) {
        W.held.push({ record, target, payload });
        continue;
      }
      await deliverOnce(record, target, payload);
    }
    return records;
  }

  /** Stores a message (neutral fields or a raw object) in the history and delivers it. */
  W.deliver = async (message, { store = true } = {}) => {
    const raw = message && (message.uuid || message.unique || message.messageOriginType || message.fromPhoneNumber) ? message : sim.makeMessage(message);
    if (store) sim.add(raw);
    return await send(raw, 'message', def.payload(raw, W, sim));
  };
  /** A receipt / status event for a stored message (the provider's status payload). */
  W.deliverStatus = async (raw, status = 'read') => await send(raw, 'status', def.statusPayload(raw, status, sim));
  /** Held deliveries (switches.reorder), newest first. */
  W.release = async () => {
    const held = W.held.splice(0).reverse();
    for (const h of held) await deliverOnce(h.record, h.target, h.payload);
  };
  sim.webhooks = W;
  return W;
}

async function startWebhookSimulator(provider, opts = {}) {
  const sim = await startSimulator(provider, opts);
  attachWebhooks(sim, opts);
  return sim;
}

module.exports = { attachWebhooks, startWebhookSimulator, PROVIDERS, NINETY_NINE_USER_SETTINGS };
