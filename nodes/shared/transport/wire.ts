import type { IDataObject } from 'n8n-workflow';

/** A response header by its lower-case name, whatever case the reply used; the first value of a list. */
export function header(headers: IDataObject | undefined, name: string): string | undefined {
	if (!headers) return undefined;
	const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
	const v = key === undefined ? undefined : headers[key];
	return Array.isArray(v) ? String(v[0]) : v === undefined || v === null ? undefined : String(v);
}

/** Only the named header (for rules that read one header and ignore the others). */
export function pick(headers: IDataObject | undefined, name: string): IDataObject {
	const value = header(headers, name);
	return value === undefined ? {} : { [name]: value };
}

/** How long the provider asked us to wait: Retry-After (seconds or HTTP date), else X-RateLimit-Reset. */
export function requestedWaitMs(headers: IDataObject | undefined, now = Date.now()): number | undefined {
	const retryAfter = header(headers, 'retry-after');
	if (retryAfter !== undefined) {
		const seconds = Number(retryAfter);
		if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
		const date = Date.parse(retryAfter);
		if (!Number.isNaN(date)) return Math.max(0, date - now);
	}
	const reset = Number(header(headers, 'x-ratelimit-reset'));
	if (Number.isFinite(reset) && reset > 0) {
		// Large values are a Unix time in seconds, small ones a number of seconds.
		return Math.max(0, reset > 1e9 ? reset * 1000 - now : reset * 1000);
	}
	return undefined;
}

function codeIn(text: string): string | undefined {
	const m = /\b(ECONN[A-Z]+|ETIMEDOUT|ESOCKETTIMEDOUT|EPIPE|EAI_AGAIN|ENOTFOUND)\b/.exec(text);
	if (m) return m[1];
	if (/timeout of \d+ms exceeded/i.test(text)) return 'ECONNABORTED';
	if (/socket hang up/i.test(text)) return 'ECONNRESET';
	return undefined;
}

/** The network error code of a failed request, wherever n8n or axios put it (code, httpCode, messages, cause). */
export function networkCode(error: unknown): string | undefined {
	const seen = new Set<unknown>();
	let current: unknown = error;
	while (current && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		const e = current as { code?: unknown; httpCode?: unknown; cause?: unknown; message?: unknown; messages?: unknown };
		for (const candidate of [e.code, e.httpCode]) {
			if (typeof candidate === 'string' && /^(E[A-Z_]+|ERR_[A-Z_]+)$/.test(candidate)) return candidate;
		}
		const texts = [e.message, ...(Array.isArray(e.messages) ? e.messages : [])].filter((t): t is string => typeof t === 'string');
		for (const text of texts) {
			const code = codeIn(text);
			if (code) return code;
		}
		current = e.cause;
	}
	return undefined;
}

/** scheme://host:port of a URL; undefined when it is not a URL with an origin. */
export function safeOrigin(url: string): string | undefined {
	try {
		const origin = new URL(url).origin;
		return origin === 'null' ? undefined : origin;
	} catch {
		return undefined;
	}
}

/** A reply body as JSON when it is JSON, else as it came (an empty body is undefined). */
export function parseBody(body: unknown): unknown {
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body !== 'string') return body;
	const text = body.trim();
	if (text === '') return undefined;
	try {
		return JSON.parse(text);
	} catch {
		return body;
	}
}

/** "60 seconds", "1 second", "1.5 seconds". */
export function seconds(ms: number): string {
	const n = Math.round(ms) / 1000;
	return `${n} second${n === 1 ? '' : 's'}`;
}
