// The transport's retry policy, a pure function: each row is one failed try and what happens next.
const { decide, backoffMs, askedWaitMs, mayHaveReached } = require('../../dist/nodes/shared/transport/retryPolicy');

const RULES = { maxRetries: 3, maxWaitMs: 10_000, retryStatuses: [409] };
const noAnswer = (code) => ({ kind: 'noAnswer', code });
const status = (s, askedMs) => ({ kind: 'status', status: s, askedMs });
// jitter 0: the backoff is half its ceiling (250 ms, 500 ms, 1 s, ...).
const at = (index, waitedMs = 0) => ({ index, waitedMs, jitter: 0 });
const RETRY = (waitMs, pauseRun = false) => ({ retry: true, waitMs, pauseRun });
const STOP = { retry: false, waitMs: 0, pauseRun: false };

describe('decide(attempt, outcome, rules)', () => {
	test.each([
		// attempt        outcome                         decision
		['first try, no answer in time', at(0), noAnswer('DEADLINE'), RETRY(250)],
		['first try, connection reset', at(0), noAnswer('ECONNRESET'), RETRY(250)],
		['second try, socket timeout', at(1), noAnswer('ETIMEDOUT'), RETRY(500)],
		['DNS hiccup', at(0), noAnswer('EAI_AGAIN'), RETRY(250)],
		['connection refused', at(0), noAnswer('ECONNREFUSED'), STOP],
		['unknown host', at(0), noAnswer('ENOTFOUND'), STOP],
		['no network code', at(0), noAnswer('UNKNOWN'), STOP],
		['a 500', at(0), status(500), RETRY(250)],
		['a 503 asking for 2 s', at(0), status(503, 2000), RETRY(2000)],
		['a 408', at(2), status(408), RETRY(1000)],
		['a 429 asking for 3 s: the whole run waits', at(0), status(429, 3000), RETRY(3000, true)],
		['a 429 asking nothing: backoff, the whole run waits', at(1), status(429), RETRY(500, true)],
		['the provider\'s own "retry later" status', at(0), status(409), RETRY(250)],
		['a 400', at(0), status(400), STOP],
		['a 401', at(0), status(401), STOP],
		['a 404', at(0), status(404), STOP],
		['tries used up', at(3), noAnswer('DEADLINE'), STOP],
		['tries used up on a 500', at(3), status(500), STOP],
		['the wait would pass the total wait cap', at(1, 9_800), noAnswer('ECONNRESET'), STOP],
		['a 429 asking longer than the cap allows', at(0), status(429, 60_000), STOP],
	])('%s', (_, attempt, outcome, decision) => {
		expect(decide(attempt, outcome, RULES)).toEqual(decision);
	});

	// A request that must not take effect twice (registering a webhook): re-sent only when it cannot have arrived.
	const ONCE = { ...RULES, idempotent: false };
	test.each([
		['no answer in time: it may have been saved', at(0), noAnswer('DEADLINE'), STOP],
		['connection reset after sending', at(0), noAnswer('ECONNRESET'), STOP],
		['a 500: it may have been saved', at(0), status(500), STOP],
		['a 502', at(0), status(502), STOP],
		['a 408', at(0), status(408), STOP],
		['a 429: refused, not saved', at(0), status(429, 1000), RETRY(1000, true)],
		['DNS failure: never sent', at(0), noAnswer('EAI_AGAIN'), RETRY(250)],
		['the provider\'s own "retry later"', at(0), status(409), RETRY(250)],
	])('not idempotent: %s', (_, attempt, outcome, decision) => {
		expect(decide(attempt, outcome, ONCE)).toEqual(decision);
	});

	test('mayHaveReached: sent and unanswered, 408 or 5xx; not a 429, a refused connection or an unknown host', () => {
		expect([noAnswer('DEADLINE'), noAnswer('ECONNRESET'), noAnswer('UNKNOWN'), status(408), status(503)].map(mayHaveReached)).toEqual([true, true, true, true, true]);
		expect([noAnswer('ECONNREFUSED'), noAnswer('ENOTFOUND'), noAnswer('EAI_AGAIN'), status(429), status(400), status(409)].map(mayHaveReached)).toEqual([false, false, false, false, false, false]);
	});

	test('backoff doubles per try up to 30 s, jitter adds up to half again', () => {
		expect([0, 1, 2, 3, 10].map((i) => backoffMs(i, 0))).toEqual([250, 500, 1000, 2000, 15_000]);
		expect([0, 1, 10].map((i) => backoffMs(i, 1))).toEqual([500, 1000, 30_000]);
	});

	test('the wait a reply asks for: Retry-After or X-RateLimit-Reset after a 429, only Retry-After after a 503, nothing otherwise', () => {
		const now = 1_700_000_000_000;
		expect(askedWaitMs(429, { 'Retry-After': '2' }, now)).toBe(2000);
		expect(askedWaitMs(429, { 'x-ratelimit-reset': String(now / 1000 + 5) }, now)).toBe(5000);
		expect(askedWaitMs(503, { 'x-ratelimit-reset': '5' }, now)).toBeUndefined();
		expect(askedWaitMs(503, { 'retry-after': new Date(now + 4000).toUTCString() }, now)).toBe(4000);
		expect(askedWaitMs(500, { 'retry-after': '2' }, now)).toBeUndefined();
	});
});
