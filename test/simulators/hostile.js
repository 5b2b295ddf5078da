'use strict';
// The hostile side of the local provider servers: a front that stands where the provider's host is (the
// credential's Base URL points at it) and, on a switch, misbehaves the way a compromised redirect, a proxy or a
// quirky provider does; and a second origin that records everything it receives.
//
//   const h = await startHostile({ upstream: sim.url });
//   h.url        the provider's origin as the node sees it (front; proxies to `upstream` when not hostile)
//   h.otherUrl   the second origin (another port: another origin)
//   h.other      requests the second origin received: { method, url, headers, body }
//   h.front      requests the front received: { method, url, headers, body, at }
//   h.set(mode)  null (plain proxy) or one of
//     { redirect: 301|302|303|307|308, to: 'other'|'same', only?: '/path-prefix' }
//         answer with a redirect to the second origin (same path and query), or to this origin under /__moved
//         (which is then proxied as the original path)
//     any mode may carry `only: '/path-prefix'`: it then applies to those paths only
//     { echo: 'json'|'html'|'ok', status? }
//         json: an error body (default 400) quoting the request's headers and body; html: an HTML error page
//         (default 502) quoting them; ok: the provider's real 2xx reply with the quote added to every object
//     { trickle: true, intervalMs? }   200, then one byte per second (or intervalMs) of a body that never ends
//     { stall: true }                  accepts the request and never answers
//   h.close()
const http = require('http');

function readBody(req) {
	return new Promise((resolve) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
	});
}

function listen(server) {
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)));
}

/** Adds `echo` to every object of a parsed JSON body (as a proxy that decorates replies would). */
function decorate(value, echo) {
	if (Array.isArray(value)) return value.map((v) => decorate(v, echo));
	if (value && typeof value === 'object') {
		const out = {};
		for (const [k, v] of Object.entries(value)) out[k] = decorate(v, echo);
		out.echo = echo;
		return out;
	}
	return value;
}

async function startHostile({ upstream }) {
	const state = { mode: null, timers: new Set(), sockets: new Set() };
	const other = [];
	const front = [];

	const otherServer = http.createServer(async (req, res) => {
		const body = await readBody(req);
		other.push({ method: req.method, url: req.url, headers: { ...req.headers }, body });
		if (req.url.startsWith('/media')) {
			res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from('PNG-from-other-origin'));
			return;
		}
		res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ success: true, messages: [], received: body }));
	});

	function proxy(req, res, path, body, transform) {
		const target = new URL(path, upstream);
		const headers = { ...req.headers, host: target.host };
		delete headers['content-length'];
		const payload = Buffer.from(body);
		if (payload.length) headers['content-length'] = payload.length;
		const up = http.request(target, { method: req.method, headers }, (upRes) => {
			const chunks = [];
			upRes.on('data', (c) => chunks.push(c));
			upRes.on('end', () => {
				let out = Buffer.concat(chunks);
				const h = { ...upRes.headers };
				if (transform && upRes.statusCode < 300 && String(h['content-type'] || '').includes('json')) {
					try {
						out = Buffer.from(JSON.stringify(transform(JSON.parse(out.toString('utf8')))));
					} catch {
						// not JSON after all: passed on as it is
					}
				}
				h['content-length'] = out.length;
				delete h['transfer-encoding'];
				res.writeHead(upRes.statusCode, h).end(out);
			});
		});
		up.on('error', () => res.destroy());
		up.end(payload);
	}

	const frontServer = http.createServer(async (req, res) => {
		const body = await readBody(req);
		front.push({ method: req.method, url: req.url, headers: { ...req.headers }, body, at: Date.now() });
		const mode = state.mode;
		const echo = `headers=${JSON.stringify(req.headers)} body=${body}`;
		if (req.url.startsWith('/__moved/')) return proxy(req, res, req.url.slice('/__moved'.length), body);
		// `only`: the mode applies to paths starting so; other requests are proxied as they are.
		if (mode && mode.only && !req.url.startsWith(mode.only)) return proxy(req, res, req.url, body);
		if (mode && mode.redirect) {
			const location = mode.to === 'same' ? `${frontUrl}/__moved${req.url}` : `${otherUrl}${req.url}`;
			res.writeHead(mode.redirect, { location, 'content-type': 'text/plain' }).end(`Moved to ${location}`);
			return;
		}
		if (mode && mode.echo === 'json') {
			res.writeHead(mode.status || 400, { 'content-type': 'application/json' }).end(
				JSON.stringify({ success: false, status: 'FAIL', message: `Bad request: ${echo}`, error: { message: `Bad request: ${echo}` }, request: { headers: req.headers, body } }),
			);
			return;
		}
		if (mode && mode.echo === 'html') {
			res.writeHead(mode.status || 502, { 'content-type': 'text/html' }).end(`<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><pre>${echo}</pre></body></html>`);
			return;
		}
		if (mode && mode.echo === 'ok') return proxy(req, res, req.url, body, (json) => decorate(json, echo));
		if (mode && mode.trickle) {
			res.writeHead(200, { 'content-type': 'application/json' });
			const text = '{"messages":[' + ' '.repeat(10_000);
			let i = 0;
			const tick = () => {
				if (res.destroyed || i >= text.length) return;
				res.write(text[i++]);
				const t = setTimeout(() => {
					state.timers.delete(t);
					tick();
				}, mode.intervalMs || 1000);
				state.timers.add(t);
			};
			tick();
			return;
		}
		if (mode && mode.stall) return; // never answers
		return proxy(req, res, req.url, body);
	});
	for (const server of [frontServer, otherServer]) server.on('connection', (s) => state.sockets.add(s));

	const frontUrl = await listen(frontServer);
	const otherUrl = await listen(otherServer);
	return {
		url: frontUrl,
		otherUrl,
		other,
		front,
		set(mode) {
			state.mode = mode;
		},
		reset() {
			state.mode = null;
			other.length = 0;
			front.length = 0;
		},
		close() {
			for (const t of state.timers) clearTimeout(t);
			for (const s of state.sockets) s.destroy();
			return Promise.all([frontServer, otherServer].map((s) => new Promise((r) => s.close(() => r()))));
		},
	};
}

module.exports = { startHostile };
