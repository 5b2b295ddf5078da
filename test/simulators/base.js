'use strict';
// Shared machinery for the provider simulators: an HTTP server on 127.0.0.1, the message store,
// request log, fault injection, latency, a sliding-window rate limiter, media files and the
// /__sim/* control endpoints. A provider module (doubletick.js, ...) supplies only its API.
//
// Provider module interface:
//   name, defaultApiKey
//   makeId(n, idPrefix, timestampMs) -> id          deterministic from the sequence number n
//   makeMessage(fields, sim) -> raw                 neutral fields (already defaulted) -> provider object
//   timestampOf(raw) -> epoch ms                    the provider's timestamp, for newest-first sorting
//   businessOf(raw) -> number                       the business side of the message (any format)
//   authenticate(ctx, sim) -> reply | null          null when the key is right
//   errorBody(status, message?) -> body             the provider's error body for a status
//   rateLimitReply(seconds, sim) -> reply           the provider's 429
//   notFound(ctx) -> reply                          unknown route
//   routes: [{ method, path: RegExp (tested on the decoded path), auth?: true, handler(ctx, match, sim) -> reply }]
//   mediaNeedsAuth?: boolean, extraHeaders?(sim) -> headers, initState?() -> object
//   fields?: { id, time, timeUnit ('s' | 'ms' | 'iso'), direction }   the raw field names the `odd` switches change
// A reply is { status, body, headers }: body object -> JSON, string/Buffer -> sent as is.

const http = require('http');
const crypto = require('crypto');
const { URL } = require('url');

const DEFAULT_BUSINESS = '+972501234567';
const DEFAULT_CONTACTS = ['+972502222222', '+972503333333', '+972504444444'];
const DEFAULT_START = Date.UTC(2024, 0, 1);
const DAY = 86400000;

// ---------- small helpers ----------
const digits = (s) => String(s ?? '').replace(/\D/g, '');
const plus = (s) => '+' + digits(s);
const hash = (...parts) => crypto.createHash('sha256').update(parts.join('|')).digest('hex');
const uuidFrom = (seed) => {
  const h = hash(seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h[16], 16) & 3]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
/** ISO 8601 UTC; milliseconds dropped when zero (like the docs' samples: 2023-11-07T05:31:56Z). */
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
/** ISO 8601 UTC, whole seconds, no millis. */
const isoSeconds = (ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
const safeDecode = (s) => { try { return decodeURIComponent(s); } catch { return s; } };
const toMs = (v) => (v instanceof Date ? v.getTime() : typeof v === 'string' && !/^\d+$/.test(v) ? Date.parse(v) : Number(v));
const lowerKeys = (o) => Object.fromEntries(Object.entries(o || {}).map(([k, v]) => [k.toLowerCase(), v]));

const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** A real-format KSUID (27 base62 chars): 4-byte timestamp (since 2014-05-13) + 16 bytes from the seed. */
function ksuid(ms, seed) {
  const buf = Buffer.alloc(20);
  buf.writeUInt32BE(Math.max(0, Math.floor(ms / 1000) - 1400000000) >>> 0, 0);
  Buffer.from(hash(seed), 'hex').copy(buf, 4, 0, 16);
  let n = BigInt('0x' + buf.toString('hex'));
  let s = '';
  while (n > 0n) { s = B62[Number(n % 62n)] + s; n /= 62n; }
  return s.padStart(27, '0');
}

// ---------- default media ----------
function crc32(buf) {
  let crc = 0xffffffff;
  for (const b of buf) {
    let c = (crc ^ b) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
function pngChunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
/** A valid 8x8 RGB PNG (~270 bytes), IDAT as one stored (uncompressed) deflate block. */
function makePng(w = 8, h = 8) {
  const row = 1 + w * 3;
  const raw = Buffer.alloc(h * row);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set([x * 32, y * 32, 160], y * row + 1 + x * 3);
  let a = 1, b = 0;
  for (const x of raw) { a = (a + x) % 65521; b = (b + a) % 65521; }
  const block = Buffer.alloc(5); block[0] = 1; block.writeUInt16LE(raw.length, 1); block.writeUInt16LE(~raw.length & 0xffff, 3);
  const adler = Buffer.alloc(4); adler.writeUInt32BE(((b << 16) | a) >>> 0);
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr), pngChunk('IDAT', Buffer.concat([Buffer.from([0x78, 0x01]), block, raw, adler])), pngChunk('IEND', Buffer.alloc(0)),
  ]);
}
const OGG = Buffer.concat([Buffer.from('OggS\0\x02', 'latin1'), Buffer.alloc(22), Buffer.from('\x01\x13OpusHead\x01\x01\x38\x01\x80\xbb\0\0\0\0\0', 'latin1'), Buffer.alloc(160, 0x55)]);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42\0\0\0\0mp42isom'), Buffer.alloc(64)]);

/** Neutral type -> default media served by the simulator. */
const MEDIA_DEFAULTS = {
  image: { path: '/media/image.png', mimeType: 'image/png', fileName: 'image.png' },
  sticker: { path: '/media/image.png', mimeType: 'image/png', fileName: 'image.png' },
  audio: { path: '/media/voice.ogg', mimeType: 'audio/ogg', fileName: 'voice.ogg' },
  voice: { path: '/media/voice.ogg', mimeType: 'audio/ogg; codecs=opus', fileName: 'voice.ogg' },
  video: { path: '/media/video.mp4', mimeType: 'video/mp4', fileName: 'video.mp4' },
  document: { path: '/media/document.pdf', mimeType: 'application/pdf', fileName: 'document.pdf' },
};
const isMediaType = (t) => Object.prototype.hasOwnProperty.call(MEDIA_DEFAULTS, t);

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}
function parseJson(text) {
  if (!text) return { value: null, invalid: false };
  try { return { value: JSON.parse(text), invalid: false }; } catch { return { value: null, invalid: true }; }
}

// ---------- the simulator ----------
class Simulator {
  constructor(def, opts = {}) {
    this.def = def;
    this.provider = def.name;
    this.apiKey = opts.apiKey ?? def.defaultApiKey;
    this.business = opts.business ?? DEFAULT_BUSINESS;
    this.url = null;
    this.messages = [];
    this.requests = [];
    this.faults = [];
    this.media = new Map();
    this._initial = { latencyMs: opts.latencyMs ?? 0, rateLimit: opts.rateLimit ?? null };
    this._timers = new Set();
    this._resetState();
  }

  _resetState() {
    this.messages.length = 0;
    this.requests.length = 0;
    this.faults.length = 0;
    this.latencyMs = this._initial.latencyMs;
    this.rateLimitConfig = this._initial.rateLimit;
    this._hits = [];
    this._seq = 0;
    this._addSeq = 0;
    this._order = new WeakMap();
    this._truth = new WeakMap();
    this._selections = new Map();
    this.state = this.def.initState ? this.def.initState() : {};
    this.media.clear();
    this.media.set('/media/image.png', { body: makePng(), contentType: 'image/png' });
    this.media.set('/media/voice.ogg', { body: OGG, contentType: 'audio/ogg' });
    this.media.set('/media/video.mp4', { body: MP4, contentType: 'video/mp4' });
    this.media.set('/media/document.pdf', { body: PDF, contentType: 'application/pdf' });
  }

  // ----- store -----
  _ts(raw) {
    const truth = this._truth.get(raw);
    const t = Number(truth ? truth.timestamp : this.def.timestampOf(raw));
    return Number.isFinite(t) ? t : 0;
  }
  /** A stored message's real time / id / direction, also for an `odd` record that does not show them. */
  timeOf(raw) { return this._ts(raw); }
  idOf(raw) { const truth = this._truth.get(raw); return truth ? truth.id : raw[this.def.fields.id]; }
  directionOf(raw) { const truth = this._truth.get(raw); return truth ? truth.direction : null; }

  /**
   * Records that break the provider's own docs (`fields.odd`): `{ noId, noDirection, time }` where time is one of
   * null | missing | iso | isoNoZone | numericString | seconds | millis | secondsString | millisString | zero | garbage,
   * and `createdAt` (2Chat: a list item that also carries `created_at`). The store keeps each record's real id,
   * time and direction for sorting, date windows and cursors, as a real provider's database would.
   */
  _applyOdd(raw, f) {
    const o = f.odd;
    if (!o) return raw;
    const F = this.def.fields;
    this._truth.set(raw, { id: f.id, timestamp: f.timestamp, direction: f.direction });
    if (o.noId) delete raw[F.id];
    if (o.noDirection) delete raw[F.direction];
    if (o.createdAt) raw.created_at = isoSeconds(f.timestamp);
    if (o.time !== undefined) {
      const ms = f.timestamp;
      const documented = F.timeUnit === 's' ? ms / 1000 : F.timeUnit === 'ms' ? ms : iso(ms);
      const forms = {
        null: null, iso: new Date(ms).toISOString(), isoNoZone: new Date(ms).toISOString().slice(0, 19).replace('T', ' '),
        numericString: String(documented), seconds: Math.floor(ms / 1000), millis: ms,
        secondsString: String(Math.floor(ms / 1000)), millisString: String(ms), zero: 0, garbage: 'soon',
      };
      if (o.time === 'missing') delete raw[F.time];
      else if (Object.prototype.hasOwnProperty.call(forms, o.time)) raw[F.time] = forms[o.time];
      else throw new Error(`unknown odd time form ${o.time}`);
    }
    return raw;
  }
  _sort() {
    this.messages.sort((a, b) => (this._ts(b) - this._ts(a)) || ((this._order.get(b) ?? 0) - (this._order.get(a) ?? 0)));
  }
  add(raw) {
    const list = Array.isArray(raw) ? raw : [raw];
    for (const m of list) { this._order.set(m, ++this._addSeq); this.messages.push(m); }
    this._sort();
    this._selections.clear();
    return raw;
  }

  /**
   * The stored messages matching `keep`, remembered under `key` until the store changes: a real provider reads an
   * index, so paging through 20 000 messages should not cost the simulator a full scan per page (benchmarks).
   */
  select(key, keep) {
    let list = this._selections.get(key);
    if (!list) { list = this.messages.filter(keep); this._selections.set(key, list); }
    return list;
  }

  makeMessage(fields = {}) {
    const f = { ...fields };
    f.n = f.n ?? ++this._seq;
    f.timestamp = f.timestamp == null ? Date.now() : toMs(f.timestamp);
    f.direction = f.direction === 'outbound' ? 'outbound' : 'inbound';
    f.type = f.type || (f.mediaUrl ? 'image' : 'text');
    f.business = f.business ?? this.business;
    f.contact = f.contact ?? DEFAULT_CONTACTS[0];
    if (f.text === undefined) f.text = f.type === 'text' ? `message ${f.n}` : null;
    if (isMediaType(f.type)) {
      const d = MEDIA_DEFAULTS[f.type];
      f.mediaUrl = f.mediaUrl ?? this.url + d.path;
      f.mimeType = f.mimeType ?? d.mimeType;
      f.fileName = f.fileName ?? d.fileName;
    }
    f.status = f.status ?? (f.direction === 'inbound' ? 'received' : 'delivered');
    f.senderName = f.senderName ?? null;
    f.contactName = f.contactName ?? null;
    f.id = f.id ?? this.def.makeId(f.n, f.idPrefix, f.timestamp);
    return this._applyOdd(this.def.makeMessage(f, this), f);
  }

  generate(count, opts = {}) {
    const o = { business: this.business, contacts: DEFAULT_CONTACTS, start: DEFAULT_START, stepMs: 60000, mediaEvery: 0, ...opts };
    const start = toMs(o.start);
    const out = [];
    for (let i = 0; i < count; i++) {
      const n = ++this._seq;
      const timestamp = start + i * o.stepMs;
      const contact = o.contacts[i % o.contacts.length];
      const inbound = i % 2 === 0;
      const image = o.mediaEvery > 0 && (i + 1) % o.mediaEvery === 0;
      out.push(this.makeMessage({
        n, timestamp, id: this.def.makeId(n, o.idPrefix, timestamp),
        direction: inbound ? 'inbound' : 'outbound', business: o.business, contact,
        type: image ? 'image' : 'text', text: `message ${n}`,
        senderName: inbound ? null : 'Test Agent', contactName: `Contact ${digits(contact).slice(-4)}`,
      }));
    }
    this.add(out);
    return out.reverse();
  }

  /** Is this number a business number the simulator knows (configured, or on a stored message)? */
  knowsBusiness(number) {
    const d = digits(number);
    if (!d) return false;
    return d === digits(this.business) || this.messages.some((m) => digits(this.def.businessOf(m)) === d);
  }

  // ----- requests, faults, latency, rate limit, media -----
  requestsTo(prefix) {
    return this.requests.filter((r) => r.path.startsWith(prefix) || safeDecode(r.path).startsWith(prefix));
  }
  clearRequests() { this.requests.length = 0; }
  reset() { this._resetState(); }
  setLatency(ms) { this.latencyMs = Number(ms) || 0; }
  rateLimit(cfg) { this.rateLimitConfig = cfg && cfg.perMinute ? { perMinute: Number(cfg.perMinute) } : null; this._hits = []; }
  fault(f = {}) {
    const rule = { times: 1, after: 0, ...f, seen: 0, used: 0 };
    if (rule.times == null || rule.times === 'Infinity') rule.times = Infinity;
    this.faults.push(rule);
    return rule;
  }
  clearFaults() { this.faults.length = 0; }
  addMedia(path, body, contentType = 'application/octet-stream') {
    const p = path.startsWith('/') ? path : '/' + path;
    this.media.set(p, { body: Buffer.isBuffer(body) ? body : Buffer.from(body), contentType });
    return this.url + p;
  }
  /** Requests counted in the current 60 s window. */
  windowCount(now = Date.now()) {
    while (this._hits.length && this._hits[0] <= now - 60000) this._hits.shift();
    return this._hits.length;
  }
  windowReset(now = Date.now()) {
    this.windowCount(now);
    return Math.ceil((this._hits.length ? this._hits[0] + 60000 : now + 60000) / 1000);
  }

  _sleep(ms) {
    return new Promise((resolve) => {
      const t = setTimeout(() => { this._timers.delete(t); resolve(); }, ms);
      this._timers.add(t);
    });
  }

  _matchFault(ctx) {
    let chosen = null;
    for (const f of this.faults) {
      if (f.method && String(f.method).toUpperCase() !== ctx.method) continue;
      if (f.path != null && !pathMatches(f.path, ctx)) continue;
      f.seen++;
      if (!chosen && f.seen > f.after && f.used < f.times) { f.used++; chosen = f; }
    }
    return chosen;
  }

  _faultReply(f) {
    const headers = lowerKeys(f.headers);
    if (f.status === 429 && f.body === undefined) {
      const secs = Number(headers['retry-after'] ?? 1);
      const r = this.def.rateLimitReply(Number.isFinite(secs) ? secs : 1, this);
      return { status: 429, body: r.body, headers: { ...lowerKeys(r.headers), ...headers } };
    }
    return { status: f.status, body: f.body === undefined ? this.def.errorBody(f.status) : f.body, headers };
  }

  _rateLimited() {
    const now = Date.now();
    const count = this.windowCount(now);
    if (this.rateLimitConfig && count >= this.rateLimitConfig.perMinute) {
      const secs = Math.max(1, Math.ceil((this._hits[0] + 60000 - now) / 1000));
      return this.def.rateLimitReply(secs, this);
    }
    this._hits.push(now);
    return null;
  }

  _route(ctx) {
    const media = this.media.get(ctx.pathname);
    if (media && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
      if (this.def.mediaNeedsAuth) { const denied = this.def.authenticate(ctx, this); if (denied) return denied; }
      return { status: 200, body: media.body, headers: { 'content-type': media.contentType } };
    }
    for (const r of this.def.routes) {
      if (r.method !== ctx.method) continue;
      const m = r.path.exec(ctx.pathname);
      if (!m) continue;
      if (r.auth !== false) { const denied = this.def.authenticate(ctx, this); if (denied) return denied; }
      return r.handler(ctx, m, this);
    }
    return this.def.notFound(ctx);
  }

  async _handle(req, res) {
    const u = new URL(req.url, 'http://127.0.0.1');
    const rawBody = await readBody(req);
    const parsed = parseJson(rawBody);
    if (u.pathname.startsWith('/__sim/')) return this._control(req.method, u.pathname, parsed.value, res);
    const record = {
      method: req.method, path: u.pathname, query: Object.fromEntries(u.searchParams), body: parsed.value,
      headers: { ...req.headers }, status: null, at: Date.now(),
      hasAuth: Boolean(req.headers.authorization || req.headers['x-user-api-key']),
    };
    this.requests.push(record);
    const ctx = {
      req, res, record, method: req.method, path: u.pathname, pathname: safeDecode(u.pathname),
      query: record.query, body: parsed.value, bodyInvalid: parsed.invalid, rawBody, headers: req.headers, pageOverride: undefined,
    };
    let reply = null;
    try {
      const f = this._matchFault(ctx);
      if (f) {
        if (f.onRequest) await f.onRequest(record);
        if (f.delayMs) await this._sleep(f.delayMs);
        if (f.destroy) {
          record.status = 0;
          if (res.socket && typeof res.socket.resetAndDestroy === 'function') res.socket.resetAndDestroy(); else res.destroy();
          return;
        }
        if (f.repeatPage != null) ctx.pageOverride = Number(f.repeatPage);
        if (f.status != null) reply = this._faultReply(f);
      }
      if (!reply) reply = this._rateLimited() || this._route(ctx);
    } catch (e) {
      reply = { status: 500, body: this.def.errorBody(500, String(e && e.message)) };
    }
    if (this.latencyMs > 0) await this._sleep(this.latencyMs);
    send(res, ctx.method, reply, { ...lowerKeys(this.def.extraHeaders ? this.def.extraHeaders(this) : {}) }, record);
  }

  _control(method, path, body, res) {
    const ok = (value, status = 200) => send(res, method, { status, body: value });
    const b = body && typeof body === 'object' ? body : {};
    try {
      if (method === 'GET' && path === '/__sim/requests') return ok(this.requests);
      if (method === 'GET' && path === '/__sim/messages') return ok(this.messages);
      if (method === 'GET' && path === '/__sim/info') return ok({ provider: this.provider, url: this.url, apiKey: this.apiKey });
      if (method === 'POST' && path === '/__sim/reset') { this.reset(); return ok({ ok: true }); }
      if (method === 'POST' && path === '/__sim/messages') {
        const list = (Array.isArray(body) ? body : [b]).map((f) => this.makeMessage(f));
        this.add(list);
        return ok(list);
      }
      if (method === 'POST' && path === '/__sim/generate') { const { count = 0, ...opts } = b; return ok(this.generate(Number(count), opts)); }
      if (method === 'POST' && path === '/__sim/fault') {
        const { pathRegex, onRequest, ...rest } = b;  
        const f = this.fault({ ...rest, ...(pathRegex ? { path: new RegExp(pathRegex) } : {}) });
        return ok({ ...f, path: f.path instanceof RegExp ? String(f.path) : f.path, times: f.times === Infinity ? 'Infinity' : f.times });
      }
      if (method === 'DELETE' && path === '/__sim/fault') { this.clearFaults(); return ok({ ok: true }); }
      if (method === 'POST' && path === '/__sim/latency') { this.setLatency(b.ms); return ok({ ms: this.latencyMs }); }
      if (method === 'POST' && path === '/__sim/ratelimit') { this.rateLimit(b); return ok({ rateLimit: this.rateLimitConfig }); }
      return ok({ error: 'unknown control endpoint' }, 404);
    } catch (e) {
      return ok({ error: String(e && e.message) }, 400);
    }
  }

  listen(port = 0) {
    this._server = http.createServer((req, res) => {
      this._handle(req, res).catch(() => { try { res.destroy(); } catch { /* ignore */ } });
    });
    return new Promise((resolve, reject) => {
      this._server.once('error', reject);
      this._server.listen(port, '127.0.0.1', () => {
        this.url = `http://127.0.0.1:${this._server.address().port}`;
        resolve(this);
      });
    });
  }

  close() {
    for (const t of this._timers) clearTimeout(t);
    this._timers.clear();
    if (!this._server) return Promise.resolve();
    return new Promise((resolve) => {
      this._server.close(() => resolve());
      this._server.closeAllConnections();
    });
  }
}

/** String: the path equals it or continues it with '/' (raw or decoded path). RegExp: tested on both. */
function pathMatches(p, ctx) {
  const paths = [ctx.path, ctx.pathname];
  if (p instanceof RegExp) return paths.some((x) => { p.lastIndex = 0; return p.test(x); });
  const prefix = p.endsWith('/') ? p : p + '/';
  return paths.some((x) => x === p || x.startsWith(prefix));
}

function send(res, method, reply, baseHeaders = {}, record) {
  if (res.destroyed || res.headersSent) return;
  const { status = 200, body, headers = {} } = reply;
  const h = { ...baseHeaders, ...lowerKeys(headers) };
  let payload;
  if (Buffer.isBuffer(body)) payload = body;
  else if (typeof body === 'string') payload = Buffer.from(body);
  else if (body === undefined) payload = Buffer.alloc(0);
  else payload = Buffer.from(JSON.stringify(body));
  if (!h['content-type'] && !Buffer.isBuffer(body)) h['content-type'] = 'application/json; charset=utf-8';
  h['content-length'] = payload.length;
  if (record) record.status = status;
  res.writeHead(status, h);
  res.end(method === 'HEAD' ? undefined : payload);
}

module.exports = {
  Simulator, DEFAULT_BUSINESS, DEFAULT_CONTACTS, DEFAULT_START, DAY, MEDIA_DEFAULTS,
  digits, plus, hash, uuidFrom, iso, isoSeconds, ksuid, isMediaType, makePng, crc32, safeDecode,
};
