import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';
import type { IDataObject, IHttpRequestMethods, IHttpRequestOptions, INode } from 'n8n-workflow';

import { beforeDeadline, DeadlineError, discard, readBody, stallAsDeadline, TooLargeError } from './body';
import type { WireResponse } from './body';
import { RequestBudget } from './budget';
import type { Deadline } from './deadline';
import { apiError, asNodeError, messageFromBody } from '../errors';
import type { ProviderFailure } from '../errors';
import { askedWaitMs, decide, mayHaveReached } from './retryPolicy';
import type { Outcome } from './retryPolicy';
import { RunState } from './run';
import type { RunCredential } from './run';
import type { HostContext } from '../types';
import { header, networkCode, parseBody, safeOrigin, seconds } from './wire';

export interface RequestSpec {
	method?: IHttpRequestMethods;
	/** Appended to the credential's base URL. */
	path: string;
	qs?: IDataObject;
	body?: IDataObject;
	/**
	 * False for a request that must not take effect twice (a POST that registers a webhook): it is not re-sent after a
	 * failure that may have reached the provider, and such a failure is told by `outcomeUnknown`. Default true.
	 */
	idempotent?: boolean;
}

/** Errors of requests that failed in a way that may have reached the provider (see retryPolicy's mayHaveReached). */
const uncertain = new WeakSet<object>();

/** Whether the request that failed with `error` may still have taken effect at the provider (its outcome is unknown). */
export function outcomeUnknown(error: unknown): boolean {
	return typeof error === 'object' && error !== null && uncertain.has(error);
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

/** Redirects followed within the credential's origin (and, for media links without the key, anywhere). */
export const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = [301, 302, 303, 307, 308];

/** How far the socket's idle timeout lies past the try's total deadline. */
const SOCKET_GRACE_MS = 2_000;

/** A download failure told in the node's own words. */
class DownloadError extends Error {}

/** A request as it first leaves: redirects may change its method, URL and body. */
interface OutgoingRequest {
	method: IHttpRequestMethods;
	url: string;
	qs?: IDataObject;
	body?: IDataObject;
}

type Exchange = { kind: 'response'; response: WireResponse; url: string } | { kind: 'crossOrigin'; status: number; host: string };

/** One try of an API request: the provider's (scrubbed) answer, or what went wrong and the error to give if it stays so. */
type TryResult = { kind: 'answer'; body: unknown } | { kind: 'failed'; outcome: Outcome; error: (tries: number) => Error };

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
		const run = this.run;
		return apiError(
			this.node,
			{
				...failure,
				message: failure.message === undefined ? undefined : run.scrub(failure.message),
				providerMessage: failure.providerMessage === undefined ? undefined : run.scrub(failure.providerMessage),
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
				// The socket's idle timeout, set above the try's total deadline (enforced here, around it): a stall must
				// end with the deadline's message, not with a socket error that won a race against it.
				timeout: this.retry.timeoutMs + SOCKET_GRACE_MS,
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
		} catch (error) {
			throw stallAsDeadline(error, deadline);
		} finally {
			deadline.end();
		}
	}

	/**
	 * A request to the provider's API: tried again after a failure as the retry policy decides (see retryPolicy.ts),
	 * within the run's rate budget and 429 pause; resolves the scrubbed reply of a 2xx.
	 */
	async request(spec: RequestSpec): Promise<unknown> {
		const credential = await this.run.credentials();
		const first: OutgoingRequest = { method: spec.method ?? 'GET', url: credential.baseUrl + spec.path, qs: spec.qs, body: spec.body };
		let waitedMs = 0;
		await this.run.discoverRateIfNeeded();
		for (let index = 0; ; index++) {
			// The run's gate: its rate budget and any pause a 429 asked for.
			await this.budget.take();
			const result = await this.attempt(first, credential, spec.path);
			if (result.kind === 'answer') return result.body;
			const rules = { ...this.retry, retryStatuses: this.rules.retryStatuses, idempotent: spec.idempotent !== false };
			const decision = decide({ index, waitedMs, jitter: Math.random() }, result.outcome, rules);
			if (!decision.retry) {
				const error = result.error(index + 1);
				if (mayHaveReached(result.outcome)) uncertain.add(error);
				throw error;
			}
			waitedMs += decision.waitMs;
			if (decision.pauseRun) {
				// The whole run waits: no lane starts a request before this time (see RequestBudget.take).
				this.budget.pauseUntil(Date.now() + decision.waitMs);
				this.onThrottle?.();
			} else {
				await sleep(decision.waitMs);
			}
		}
	}

	/** One try, told as the provider's answer or as the outcome the retry policy decides on. */
	private async attempt(first: OutgoingRequest, credential: RunCredential, path: string): Promise<TryResult> {
		let exchange: Exchange;
		let text: unknown;
		try {
			({ exchange, text } = await this.tryOnce(first, credential));
		} catch (error) {
			// Not a network failure (e.g. the credential is missing): n8n's own error says it best.
			if (error instanceof NodeOperationError) throw asNodeError(this.node, error, this.itemIndex);
			const code = error instanceof DeadlineError ? error.code : networkCode(error) ?? 'UNKNOWN';
			// An error without a network code is shown with its own words (scrubbed): otherwise it cannot be told apart.
			const detail = code === 'UNKNOWN' && error instanceof Error ? this.run.scrub(error.message).slice(0, 300) : undefined;
			return { kind: 'failed', outcome: { kind: 'noAnswer', code }, error: (tries) => this.unreachable(code, path, tries, detail) };
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
			return { kind: 'answer', body };
		}
		const outcome: Outcome = { kind: 'status', status, askedMs: askedWaitMs(status, response.headers) };
		return { kind: 'failed', outcome, error: () => this.fail({ status, providerMessage: (this.rules.messageOf ?? messageFromBody)(body) }) };
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
		} catch (error) {
			throw stallAsDeadline(error, deadline);
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
