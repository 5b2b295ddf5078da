import type { IDataObject } from 'n8n-workflow';

import { pick, requestedWaitMs } from './wire';

/** What one try of a request came to (a 2xx is not asked about: it is the answer). */
export type Outcome =
	/** No usable answer: a network failure by its code, or `DEADLINE` when the try ran out of time. */
	| { kind: 'noAnswer'; code: string }
	/** The provider answered with a status other than 2xx; `askedMs` is the wait it asked for, if any. */
	| { kind: 'status'; status: number; askedMs?: number };

/** Where a request stands when a try has failed. */
export interface Attempt {
	/** The try that failed, from 0. */
	index: number;
	/** Time already spent waiting between the earlier tries. */
	waitedMs: number;
	/** 0 to 1: where in the backoff's range this wait falls (random in use, fixed in tests). */
	jitter: number;
}

export interface RetryRules {
	maxRetries: number;
	/** Cap on the total time spent waiting between tries of one request. */
	maxWaitMs: number;
	/** Statuses besides 408, 429 and 5xx that the provider documents as "retry later". */
	retryStatuses?: number[];
	/**
	 * False for a request that must not take effect twice (e.g. one that registers a webhook): it is tried again only
	 * when it cannot have reached the provider. Default true.
	 */
	idempotent?: boolean;
}

export interface Decision {
	retry: boolean;
	/** How long to wait before the next try (0 when there is none). */
	waitMs: number;
	/** The whole run waits (a 429): no request of the run starts before the wait is over. */
	pauseRun: boolean;
}

/** Network failures worth another try: the connection broke or timed out (not a refused one or an unknown host). */
export const RETRYABLE_NETWORK = ['DEADLINE', 'ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'EAI_AGAIN', 'ESOCKETTIMEDOUT'];

/** No answer, yet the provider may have acted on the request: it was sent, or may have been. */
const MAYBE_RECEIVED = ['DEADLINE', 'ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'ESOCKETTIMEDOUT', 'UNKNOWN'];

/**
 * Whether the provider may have acted on a request that failed so: no answer after it was (maybe) sent, a 408, or a
 * 5xx. A 429, a refused connection, a DNS failure or the provider's own "retry later" statuses mean it did not.
 */
export function mayHaveReached(outcome: Outcome): boolean {
	return outcome.kind === 'noAnswer' ? MAYBE_RECEIVED.includes(outcome.code) : outcome.status === 408 || outcome.status >= 500;
}

/** Exponential backoff with jitter: half the ceiling plus up to half again; the ceiling doubles per try, 30 s at most. */
export function backoffMs(index: number, jitter: number): number {
	const ceiling = Math.min(30_000, 500 * 2 ** index);
	return Math.round(ceiling / 2 + (jitter * ceiling) / 2);
}

/** 408, 429, 5xx and the provider's own "retry later" statuses. */
export function retryableStatus(status: number, rules: RetryRules): boolean {
	return status === 408 || status === 429 || status >= 500 || (rules.retryStatuses ?? []).includes(status);
}

/**
 * The wait a reply asks for: Retry-After or X-RateLimit-Reset after a 429, Retry-After alone after a 503
 * (X-RateLimit-Reset speaks of the rate window, so it only counts after a 429).
 */
export function askedWaitMs(status: number, headers: IDataObject | undefined, now = Date.now()): number | undefined {
	if (status === 429) return requestedWaitMs(headers, now);
	if (status === 503) return requestedWaitMs(pick(headers, 'retry-after'), now);
	return undefined;
}

const STOP: Decision = { retry: false, waitMs: 0, pauseRun: false };

/** Whether a failed try is tried again, after how long, and whether the whole run waits meanwhile. */
export function decide(attempt: Attempt, outcome: Outcome, rules: RetryRules): Decision {
	const worthRetrying = outcome.kind === 'noAnswer' ? RETRYABLE_NETWORK.includes(outcome.code) : retryableStatus(outcome.status, rules);
	if (!worthRetrying) return STOP;
	// A request that must not take effect twice is never re-sent when the first one may have taken effect.
	if (rules.idempotent === false && mayHaveReached(outcome)) return STOP;
	const waitMs = (outcome.kind === 'status' ? outcome.askedMs : undefined) ?? backoffMs(attempt.index, attempt.jitter);
	if (attempt.index >= rules.maxRetries || attempt.waitedMs + waitMs > rules.maxWaitMs) return STOP;
	return { retry: true, waitMs, pauseRun: outcome.kind === 'status' && outcome.status === 429 };
}
