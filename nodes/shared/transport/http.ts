import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';
import type { IDataObject, IHttpRequestMethods, IHttpRequestOptions, INode } from 'n8n-workflow';

import { RequestBudget } from './budget';
import type { Deadline } from './deadline';
import { apiError, asNodeError, messageFromBody } from '../errors';
import type { ProviderFailure } from '../errors';
import { RunState } from './run';
import type { RunCredential } from './run';
import type { HostContext } from '../types';

export interface RequestSpec {
	method?: IHttpRequestMethods;
	/** Appended to the credential's base URL. */
	path: string;
	qs?: IDataObject;
	body?: IDataObject;
}

/** How one provider's API behaves on the wire; part of each adapter. */
export interface TransportRules {
	credentialType: string;
	/** Statuses besides 408, 429 and 5xx that the provider documents as "retry later". */
	retryStatuses?: number[];
	/** A failure reported inside a 2xx reply (e.g. 99digital's `{status: "FAIL"}`). */
	failureInBody?(body: unknown): ProviderFailure | undefined;
	/** The provider's own message from an error body; defaults to the common shapes. */
	messageOf?(body: unknown): string | undefined;
}

export interface RetryPolicy {
	maxRetries: number;
	/** Cap on the total time spent waiting between tries of one request. */
	maxWaitMs: number;
	timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 5, maxWaitMs: 300_000, timeoutMs: 60_000 };

const RETRYABLE_NETWORK = ['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'EAI_AGAIN', 'ESOCKETTIMEDOUT'];

function header(headers: IDataObject | undefined, name: string): string | undefined {
	if (!headers) return undefined;
	const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
	const v = key === undefined ? undefined : headers[key];
	return Array.isArray(v) ? String(v[0]) : v === undefined || v === null ? undefined : String(v);
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

function pick(headers: IDataObject | undefined, name: string): IDataObject {
	const value = header(headers, name);
	return value === undefined ? {} : { [name]: value };
}

export function backoffMs(attempt: number): number {
	const ceiling = Math.min(30_000, 500 * 2 ** attempt);
	return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

function codeIn(text: string): string | undefined {
	const m = /\b(ECONN[A-Z]+|ETIMEDOUT|ESOCKETTIMEDOUT|EPIPE|EAI_AGAIN|ENOTFOUND)\b/.exec(text);
	if (m) return m[1];
	if (/timeout of \d+ms exceeded/i.test(text)) return 'ECONNABORTED';
	if (/socket hang up/i.test(text)) return 'ECONNRESET';
	return undefined;
}

/** The network error code of a failed request, wherever n8n or axios put it (code, httpCode, messages, cause). */
function networkCode(error: unknown): string | undefined {
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

/** Redirects followed within the credential's origin (and, for media links without the key, anywhere). */
export const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = [301, 302, 303, 307, 308];

/** A try that ran past its total deadline (connect, redirects, headers and the whole body). */
export class DeadlineError extends Error {
	readonly code = 'DEADLINE';
	constructor() {
		super('deadline exceeded');
	}
}

class TooLargeError extends Error {}

/** A download failure told in the node's own words. */
class DownloadError extends Error {}

/** The response stream of `encoding: 'stream'`, typed structurally (node code imports nothing but n8n-workflow). */
interface ByteStream extends AsyncIterable<unknown> {
	on(event: string, listener: (...args: unknown[]) => void): unknown;
	removeAllListeners?(event?: string): unknown;
	destroy?: () => void;
}

/** A request as it first leaves: redirects may change its method, URL and body. */
interface OutgoingRequest {
	method: IHttpRequestMethods;
	url: string;
	qs?: IDataObject;
	body?: IDataObject;
}

interface WireResponse {
	statusCode: number;
	headers: IDataObject;
	body: unknown;
}

type Exchange = { kind: 'response'; response: WireResponse; url: string } | { kind: 'crossOrigin'; status: number; host: string };

function isStream(body: unknown): body is ByteStream {
	return !!body && typeof body === 'object' && typeof (body as ByteStream).on === 'function' && !Buffer.isBuffer(body);
}

function discard(response: unknown): void {
	const body = (response as WireResponse | undefined)?.body;
	if (isStream(body)) {
		// A late or unwanted body: drop it and its socket; errors after this are nobody's business.
		body.on('error', () => undefined);
		body.destroy?.();
	}
}

const EXPIRED = Symbol('expired');

/** The work's result, or a DeadlineError when the try's deadline passes; a late result is discarded, never used. */
async function beforeDeadline<T>(work: Promise<T>, deadline: Deadline): Promise<T> {
	const late = () => {
		work.then(discard, () => undefined);
		return new DeadlineError();
	};
	if (deadline.at <= Date.now()) throw late();
	const winner = await Promise.race([work, deadline.expired.then(() => EXPIRED)]);
	if (winner === EXPIRED) throw late();
	return winner as T;
}

/** Reads a response body to the end within the deadline and the size cap; past either the stream is destroyed. */
async function readBody(body: unknown, deadline: Deadline, maxBytes = Infinity): Promise<Buffer | unknown> {
	if (!isStream(body)) return body;
	const stream = body;
	return await new Promise<Buffer>((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let done = false;
		const finish = (error?: Error) => {
			if (done) return;
			done = true;
			if (error) {
				stream.on('error', () => undefined);
				stream.destroy?.();
				reject(error);
			} else {
				resolve(Buffer.concat(chunks));
			}
		};
		void deadline.expired.then(() => finish(new DeadlineError()));
		stream.on('data', (chunk: unknown) => {
			if (done) return;
			const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
			size += buf.length;
			if (size > maxBytes) return finish(new TooLargeError());
			chunks.push(buf);
			if (Date.now() >= deadline.at) finish(new DeadlineError());
		});
		stream.on('end', () => finish());
		stream.on('error', (error: unknown) => finish(error instanceof Error ? error : new Error(String(error))));
		// 'close' follows every 'end': the error (and its stack) is only built for a body cut short.
		stream.on('close', () => {
			if (!done) finish(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
		});
	});
}

/** "60 seconds", "1 second", "1.5 seconds". */
function seconds(ms: number): string {
	const n = Math.round(ms) / 1000;
	return `${n} second${n === 1 ? '' : 's'}`;
}

/**
 * One provider's API as the nodes see it: requests through n8n's `httpRequestWithAuthentication`, retries
 * with backoff, the run's request budget and 429 pause, a total deadline per try, and provider failures turned
 * into NodeApiErrors. What it guarantees about the credential:
 * - its values go only to the credential's own origin: redirects are followed by hand, within that origin;
 *   a redirect elsewhere fails (API calls) or is followed without the credential (media downloads);
 * - every provider text (bodies of any status, parsed or not) is scrubbed of its values before it is mapped,
 *   put in an error or returned, and errors carry none of n8n's request options or raw responses.
 */
export class ApiClient {
	/** Called when the provider throttles us (429), so callers can lower their concurrency. */
	onThrottle?: () => void;
	readonly run: RunState;

	constructor(
		readonly ctx: HostContext,
		readonly rules: TransportRules,
		run: RunState | RequestBudget = new RequestBudget(0),
		readonly retry: RetryPolicy = DEFAULT_RETRY,
		readonly itemIndex?: number,
	) {
		this.run = run instanceof RunState ? run : new RunState(ctx, rules.credentialType, run);
	}

	get node(): INode {
		return this.ctx.getNode();
	}

	get budget(): RequestBudget {
		return this.run.budget;
	}

	/** The credential's base URL (read once per run). */
	async baseUrl(): Promise<string> {
		return (await this.run.credentials()).baseUrl;
	}

	/** A provider text with the credential's values replaced by `[redacted]`. */
	redact(text: string): string {
		return this.run.redactor.text(text);
	}

	/**
	 * n8n's helper, given the credential read once for this run: without it n8n loads and decrypts the credential
	 * again for every page, which is most of its cost per request.
	 */
	private async authenticated(options: IHttpRequestOptions, credential: RunCredential): Promise<unknown> {
		const type = this.rules.credentialType;
		return await this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, type, options, {
			credentialsDecrypted: { id: this.ctx.getNode().credentials?.[type]?.id ?? type, name: type, type, data: credential.data },
		});
	}

	/** A NodeApiError built only from scrubbed text (no raw response, headers or request options). */
	fail(failure: ProviderFailure): NodeApiError {
		const redactor = this.run.redactor;
		return apiError(
			this.node,
			{
				...failure,
				message: failure.message === undefined ? undefined : redactor.text(failure.message),
				providerMessage: failure.providerMessage === undefined ? undefined : redactor.text(failure.providerMessage),
			},
			this.itemIndex,
		);
	}

	/** For replies whose shape is not what the provider documents. */
	badBody(body: unknown, expected: string, status = 200): NodeApiError {
		const sample = typeof body === 'string' ? body : JSON.stringify(body);
		return this.fail({
			status,
			message: `The provider sent an unexpected response: ${expected}`,
			providerMessage: (sample ?? String(body)).slice(0, 300),
		});
	}

	/**
	 * One try: the request and its same-origin redirects, each hop bounded by the try's deadline. The response
	 * body is still a stream (or whatever the helper gave) when this returns.
	 */
	private async exchange(
		first: OutgoingRequest,
		credential: RunCredential,
		deadline: Deadline,
		media: boolean,
	): Promise<Exchange> {
		let { method, url, qs, body } = first;
		let withKey = credential.origin !== undefined && safeOrigin(url) === credential.origin;
		for (let hop = 0; ; hop++) {
			const options: IHttpRequestOptions = {
				method,
				url,
				qs,
				body,
				json: !media,
				encoding: 'stream',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
				// The socket's idle timeout; the try's total deadline is enforced here, around it.
				timeout: this.retry.timeoutMs,
				sendCredentialsOnCrossOriginRedirect: false,
			};
			const response = (await beforeDeadline(
				withKey ? this.authenticated(options, credential) : this.ctx.helpers.httpRequest(options),
				deadline,
			)) as WireResponse;
			const status = Number(response.statusCode);
			const location = header(response.headers, 'location');
			if (!REDIRECT_STATUSES.includes(status) || !location) return { kind: 'response', response, url };
			discard(response);
			let next: URL;
			try {
				next = new URL(location, url);
			} catch {
				return { kind: 'response', response: { ...response, body: undefined }, url };
			}
			if (hop >= MAX_REDIRECTS) throw Object.assign(new Error('too many redirects'), { code: 'EREDIRECTS' });
			if (safeOrigin(next.href) !== credential.origin || !withKey) {
				if (!media) return { kind: 'crossOrigin', status, host: next.host };
				// A media link may move to another host (presigned links): followed, never with the credential again.
				withKey = false;
			}
			if (status === 303 || ((status === 301 || status === 302) && method !== 'GET')) {
				method = 'GET';
				body = undefined;
			}
			url = next.href;
			qs = undefined;
		}
	}

	/** One try of an API request, the reply's body read to the end, all within the try's total deadline. */
	private async tryOnce(
		first: OutgoingRequest,
		credential: RunCredential,
	): Promise<{ exchange: Exchange; text: unknown }> {
		const deadline = this.run.deadlines.start(this.retry.timeoutMs);
		try {
			const exchange = await this.exchange(first, credential, deadline, false);
			const text = exchange.kind === 'response' ? await readBody(exchange.response.body, deadline) : undefined;
			return { exchange, text };
		} finally {
			deadline.end();
		}
	}

	async request(spec: RequestSpec): Promise<unknown> {
		const credential = await this.run.credentials();
		const url = credential.baseUrl + spec.path;
		let waited = 0;
		await this.run.discoverRateIfNeeded();
		for (let attempt = 0; ; attempt++) {
			// The run's gate: its rate budget and any pause a 429 asked for.
			await this.budget.take();
			let exchange: Exchange;
			let text: unknown;
			try {
				({ exchange, text } = await this.tryOnce({ method: spec.method ?? 'GET', url, qs: spec.qs, body: spec.body }, credential));
			} catch (error) {
				// Not a network failure (e.g. the credential is missing): n8n's own error says it best.
				if (error instanceof NodeOperationError) throw asNodeError(this.node, error, this.itemIndex);
				const code = error instanceof DeadlineError ? error.code : networkCode(error) ?? 'UNKNOWN';
				const wait = backoffMs(attempt);
				if ((code === 'DEADLINE' || RETRYABLE_NETWORK.includes(code)) && attempt < this.retry.maxRetries && waited + wait <= this.retry.maxWaitMs) {
					waited += wait;
					await sleep(wait);
					continue;
				}
				// An error without a network code is shown with its own words (scrubbed): otherwise it cannot be told apart.
				const detail = code === 'UNKNOWN' && error instanceof Error ? credential.redactor.text(error.message).slice(0, 300) : undefined;
				throw this.unreachable(code, spec.path, attempt + 1, detail);
			}
			if (exchange.kind === 'crossOrigin') {
				const own = new URL(credential.baseUrl).host;
				throw this.fail({
					status: exchange.status,
					message: `The provider redirected the request to another host (${exchange.host})`,
					providerMessage: `The API key is sent only to the credential's host (${own}), so the redirect to ${exchange.host} was not followed. Check the credential's Base URL.`,
				});
			}
			const response = exchange.response;
			const status = Number(response.statusCode);
			const raw = Buffer.isBuffer(text) ? text.toString('utf8') : text;
			const parsed = parseBody(raw);
			// Scrubbed before anything reads it (mapping, raw, errors); a page whose text cannot hold a secret skips the walk.
			const body = typeof raw === 'string' && !credential.redactor.mayContain(raw) ? parsed : credential.redactor.deep(parsed);
			if (status >= 200 && status < 300) {
				const failure = this.rules.failureInBody?.(body);
				if (failure) throw this.fail(failure);
				return body;
			}
			if (this.isRetryable(status)) {
				const wait = this.retryWait(attempt, status, response.headers);
				if (attempt < this.retry.maxRetries && waited + wait <= this.retry.maxWaitMs) {
					waited += wait;
					if (status === 429) {
						// The whole run waits: no lane starts a request before this time (see RequestBudget.take).
						this.budget.pauseUntil(Date.now() + wait);
						this.onThrottle?.();
					} else {
						await sleep(wait);
					}
					continue;
				}
			}
			throw this.fail({ status, providerMessage: (this.rules.messageOf ?? messageFromBody)(body) });
		}
	}

	/** The error of a request that got no usable answer: only the network code, never n8n's request or response. */
	private unreachable(code: string, path: string, tries: number, detail?: string): NodeApiError {
		const message =
			code === 'DEADLINE' ? `The provider did not answer within ${seconds(this.retry.timeoutMs)}` : `Could not reach the provider (${code})`;
		const hint = code === 'DEADLINE' ? ' (Options → Timeout (Seconds) sets the limit of each try)' : '';
		return new NodeApiError(
			this.node,
			{ message, code },
			{
				message,
				description: `Request to ${path} failed after ${tries} ${tries === 1 ? 'try' : 'tries'}${hint}${detail ? `: ${detail}` : ''}`,
				itemIndex: this.itemIndex,
			},
		);
	}

	private isRetryable(status: number): boolean {
		return status === 408 || status === 429 || status >= 500 || (this.rules.retryStatuses ?? []).includes(status);
	}

	private retryWait(attempt: number, status: number, headers: IDataObject | undefined): number {
		// X-RateLimit-Reset speaks of the rate window: it only says how long to wait after a 429.
		const asked = status === 429 ? requestedWaitMs(headers) : status === 503 ? requestedWaitMs(pick(headers, 'retry-after')) : undefined;
		return asked ?? backoffMs(attempt);
	}

	/**
	 * Downloads a file. The credential (and so the API key) is sent only to the credential's own origin: a link
	 * elsewhere (e.g. a presigned link), or a redirect from the credential's host to elsewhere, is fetched
	 * without it. One try, bounded by the same total deadline as API requests; stops reading past `maxBytes`.
	 */
	async download(fileUrl: string, maxBytes: number): Promise<{ data: Buffer; mimeType?: string }> {
		let failure: unknown;
		try {
			return await this.fetchFile(fileUrl, maxBytes);
		} catch (error) {
			failure = error;
		}
		throw this.downloadError(failure, maxBytes);
	}

	private async fetchFile(fileUrl: string, maxBytes: number): Promise<{ data: Buffer; mimeType?: string }> {
		const credential = await this.run.credentials();
		if (!safeOrigin(fileUrl)) throw new DownloadError('the media link is not a valid URL');
		await this.budget.take();
		const deadline = this.run.deadlines.start(this.retry.timeoutMs);
		try {
			return await this.receiveFile(await this.exchange({ method: 'GET', url: fileUrl }, credential, deadline, true), deadline, maxBytes);
		} finally {
			deadline.end();
		}
	}

	private async receiveFile(exchange: Exchange, deadline: Deadline, maxBytes: number): Promise<{ data: Buffer; mimeType?: string }> {
		if (exchange.kind !== 'response') throw new DownloadError('redirected to another host');
		const response = exchange.response;
		if (response.statusCode < 200 || response.statusCode >= 300) {
			discard(response);
			throw new DownloadError(`download failed with status ${response.statusCode}`);
		}
		const declared = Number(header(response.headers, 'content-length'));
		if (Number.isFinite(declared) && declared > maxBytes) {
			discard(response);
			throw new TooLargeError();
		}
		const data = await readBody(response.body, deadline, maxBytes);
		const mimeType = header(response.headers, 'content-type')?.split(';')[0].trim();
		return { data: Buffer.isBuffer(data) ? data : Buffer.from(typeof data === 'string' ? data : JSON.stringify(data ?? '')), mimeType };
	}

	/** What a failed download says: our own words and a network code, never n8n's or axios's request details. */
	private downloadError(failure: unknown, maxBytes: number): Error {
		if (failure instanceof TooLargeError) return new Error(`file is larger than the ${maxBytes} bytes allowed by "Max Media Size"`);
		if (failure instanceof DeadlineError) return new Error(`the file did not arrive within ${seconds(this.retry.timeoutMs)}`);
		if (failure instanceof DownloadError) return new Error(failure.message);
		return new Error(`could not fetch the file (${networkCode(failure) ?? 'UNKNOWN'})`);
	}
}

function safeOrigin(url: string): string | undefined {
	try {
		const origin = new URL(url).origin;
		return origin === 'null' ? undefined : origin;
	} catch {
		return undefined;
	}
}

function parseBody(body: unknown): unknown {
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
