import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestMethods, IHttpRequestOptions, INode } from 'n8n-workflow';

import { RequestBudget } from './budget';
import { apiError, asNodeError, messageFromBody } from './errors';
import type { ProviderFailure } from './errors';
import type { HostContext } from './types';

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

/**
 * One provider's API as the nodes see it: requests through n8n's `httpRequestWithAuthentication`, retries
 * with backoff, the request budget, and provider failures turned into NodeApiErrors. The credential's values
 * never leave this class, not even in errors.
 */
export class ApiClient {
	/** Called when the provider throttles us (429), so callers can lower their concurrency. */
	onThrottle?: () => void;
	/** Reads the account's real rate limit; called once, when the default budget is about to run out. */
	discoverRate?: (api: ApiClient) => Promise<number | undefined>;
	private base?: Promise<string>;
	private credentials?: ICredentialDataDecryptedObject;

	constructor(
		readonly ctx: HostContext,
		readonly rules: TransportRules,
		readonly budget: RequestBudget = new RequestBudget(0),
		readonly retry: RetryPolicy = DEFAULT_RETRY,
		readonly itemIndex?: number,
	) {}

	get node(): INode {
		return this.ctx.getNode();
	}

	/** The credential is read once per run, even when the first requests start together. */
	async baseUrl(): Promise<string> {
		this.base ??= this.ctx.getCredentials(this.rules.credentialType).then((credentials) => {
			this.credentials = credentials;
			return String(credentials.baseUrl ?? '').replace(/\/+$/, '');
		});
		return await this.base;
	}

	/**
	 * n8n's helper, given the credential read once for this run: without it n8n loads and decrypts the credential
	 * again for every page, which is most of its cost per request.
	 */
	private async authenticated(options: IHttpRequestOptions): Promise<unknown> {
		await this.baseUrl();
		const type = this.rules.credentialType;
		return await this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, type, options, {
			credentialsDecrypted: { id: this.ctx.getNode().credentials?.[type]?.id ?? type, name: type, type, data: this.credentials },
		});
	}

	fail(failure: ProviderFailure): NodeApiError {
		return apiError(this.node, failure, this.itemIndex);
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

	async request(spec: RequestSpec): Promise<unknown> {
		const url = (await this.baseUrl()) + spec.path;
		let waited = 0;
		await this.discoverRateIfNeeded();
		for (let attempt = 0; ; attempt++) {
			await this.budget.take();
			const options: IHttpRequestOptions = {
				method: spec.method ?? 'GET',
				url,
				qs: spec.qs,
				body: spec.body,
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: this.retry.timeoutMs,
				sendCredentialsOnCrossOriginRedirect: false,
			};
			let response: { statusCode: number; headers: IDataObject; body: unknown };
			try {
				response = (await this.authenticated(options)) as typeof response;
			} catch (error) {
				// Not a network failure (e.g. the credential is missing): n8n's own error says it best.
				if (error instanceof NodeOperationError) throw asNodeError(this.node, error, this.itemIndex);
				const code = networkCode(error) ?? 'UNKNOWN';
				const wait = backoffMs(attempt);
				if (RETRYABLE_NETWORK.includes(code) && attempt < this.retry.maxRetries && waited + wait <= this.retry.maxWaitMs) {
					waited += wait;
					await sleep(wait);
					continue;
				}
				throw new NodeApiError(
					this.node,
					{ message: `Could not reach the provider (${code})`, code },
					{ message: `Could not reach the provider (${code})`, description: `Request to ${spec.path} failed`, itemIndex: this.itemIndex },
				);
			}
			const status = Number(response.statusCode);
			const body = parseBody(response.body);
			if (status >= 200 && status < 300) {
				const failure = this.rules.failureInBody?.(body);
				if (failure) throw this.fail(failure);
				return body;
			}
			if (this.isRetryable(status)) {
				const wait = this.retryWait(attempt, status, response.headers);
				if (attempt < this.retry.maxRetries && waited + wait <= this.retry.maxWaitMs) {
					waited += wait;
					if (status === 429) this.onThrottle?.();
					await sleep(wait);
					continue;
				}
			}
			throw this.fail({ status, providerMessage: (this.rules.messageOf ?? messageFromBody)(body) });
		}
	}

	private async discoverRateIfNeeded(): Promise<void> {
		const discover = this.discoverRate;
		if (!discover || this.budget.remaining >= 2) return;
		this.discoverRate = undefined;
		try {
			const perMinute = await discover(this);
			if (perMinute) this.budget.setRate(perMinute);
		} catch {
			// The default budget stays in force; the history read itself reports real failures.
		}
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
	 * Downloads a file. The credential (and so the API key) is sent only to the credential's own host;
	 * any other host (e.g. presigned links) is fetched without it. Stops reading past `maxBytes`.
	 */
	async download(fileUrl: string, maxBytes: number): Promise<{ data: Buffer; mimeType?: string }> {
		const base = await this.baseUrl();
		const sameHost = safeOrigin(fileUrl) !== undefined && safeOrigin(fileUrl) === safeOrigin(base);
		const options: IHttpRequestOptions = {
			method: 'GET',
			url: fileUrl,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: this.retry.timeoutMs,
			sendCredentialsOnCrossOriginRedirect: false,
		};
		await this.budget.take();
		const response = (sameHost
			? await this.authenticated(options)
			: await this.ctx.helpers.httpRequest(options)) as { statusCode: number; headers: IDataObject; body: ByteStream };
		const stream = response.body;
		if (response.statusCode < 200 || response.statusCode >= 300) {
			stream.destroy?.();
			throw new Error(`download failed with status ${response.statusCode}`);
		}
		const declared = Number(header(response.headers, 'content-length'));
		if (Number.isFinite(declared) && declared > maxBytes) {
			stream.destroy?.();
			throw new Error(`file is larger than the ${maxBytes} bytes allowed by "Max Media Size"`);
		}
		const chunks: Buffer[] = [];
		let size = 0;
		for await (const chunk of stream) {
			const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
			size += buf.length;
			if (size > maxBytes) {
				stream.destroy?.();
				throw new Error(`file is larger than the ${maxBytes} bytes allowed by "Max Media Size"`);
			}
			chunks.push(buf);
		}
		const mimeType = header(response.headers, 'content-type')?.split(';')[0].trim();
		return { data: Buffer.concat(chunks), mimeType };
	}
}

/** The response stream of a download (`encoding: 'stream'`), typed structurally. */
interface ByteStream extends AsyncIterable<unknown> {
	destroy?: () => void;
}

function safeOrigin(url: string): string | undefined {
	try {
		return new URL(url).origin;
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
