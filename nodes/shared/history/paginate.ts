import { sleep } from 'n8n-workflow';

import type { ApiClient } from '../transport/http';
import { millisOf } from '../dates';
import { contentKey } from '../mapping';
import type { Page, PageRef, PageStyle, ProviderAdapter } from '../provider';
import type { ListQuery, NormalizedMessage } from '../types';

export interface PaginateOptions {
	/** Stop after this many messages; undefined = follow pagination to the end. */
	limit?: number;
	/** Requests kept in flight for page-numbered and date-window APIs (cursor APIs stay sequential). */
	concurrency: number;
	includeRaw: boolean;
	/** Safety cap on pages per run. */
	maxPages?: number;
	/**
	 * What a date filter does with a message without a usable time: `exclude` (default: it cannot be shown to be
	 * in range) or `include` (the triggers, which place such messages at their stored point themselves).
	 */
	untimed?: 'exclude' | 'include';
}

const DAY_MS = 86_400_000;
const DEFAULT_MAX_PAGES = 100_000;

export function matchesQuery(
	m: NormalizedMessage,
	q: ListQuery,
	businessOnServer = false,
	t: number | null = millisOf(m.timestamp),
	untimed: 'exclude' | 'include' = 'exclude',
): boolean {
	if (!businessOnServer && q.businessNumber && m.businessNumber && m.businessNumber !== q.businessNumber) return false;
	if (q.contactNumber && m.contactNumber !== q.contactNumber) return false;
	if (q.direction && m.direction !== q.direction) return false;
	if (q.startMs === undefined && q.endMs === undefined) return true;
	if (t === null) return untimed === 'include';
	if (q.startMs !== undefined && t < q.startMs) return false;
	if (q.endMs !== undefined && t > q.endMs) return false;
	return true;
}

function needsClientFiltering(adapter: ProviderAdapter, q: ListQuery): boolean {
	const server = adapter.serverFilters;
	return (
		(!!q.businessNumber && !server.includes('business')) ||
		(!!q.contactNumber && !server.includes('contact')) ||
		(!!q.direction && !server.includes('direction')) ||
		((q.startMs !== undefined || q.endMs !== undefined) && !server.includes('dates'))
	);
}

// ---------- the stop rules: each decides alone that the history ends here ----------

/** The caller's limit is reached: nothing more is needed. */
export function limitReached(emitted: number, limit: number | undefined): boolean {
	return limit !== undefined && emitted >= limit;
}

/** An empty page is the end of the history. */
export function emptyPage(itemCount: number): boolean {
	return itemCount === 0;
}

/**
 * A page that holds no record not seen before: the provider repeats a page (it ignores the page number or the
 * cursor), so asking further would loop. Records without an id count as new unless the same record (same
 * content) was on an earlier page.
 */
export function nothingNew(fresh: number): boolean {
	return fresh === 0;
}

/**
 * The page reaches back past the requested start: older pages hold nothing in range. `oldestTimed` is the
 * page's oldest message time; messages without a usable time never end paging (null = none had a time).
 */
export function olderThanRange(oldestTimed: number | null, startMs: number | undefined): boolean {
	return startMs !== undefined && oldestTimed !== null && oldestTimed < startMs;
}

/** A page-numbered page with fewer items than a full page is the last one. */
export function shortPage(style: PageStyle, itemCount: number): boolean {
	return style.kind === 'pages' && itemCount < style.size;
}

/** A cursor page without a next cursor, or whose next cursor was already followed (a loop), is the last. */
export function cursorEnds(next: string | null | undefined, followed: ReadonlySet<string>): boolean {
	return !next || followed.has(next);
}

/**
 * After a page of a paging API (not date windows, which end with their list) has been taken: does the history
 * end here? Empty page, nothing new, older than the range, or a short page.
 */
export function pageEndsHistory(
	style: PageStyle,
	page: { itemCount: number; fresh: number; oldestTimed: number | null },
	startMs: number | undefined,
): boolean {
	return (
		emptyPage(page.itemCount) ||
		nothingNew(page.fresh) ||
		olderThanRange(page.oldestTimed, startMs) ||
		shortPage(style, page.itemCount)
	);
}

/**
 * The order that puts a page newest first whatever order the provider used: stable (equal times keep the
 * provider's order), and messages without a time keep the position the provider gave them. Undefined when the
 * page is already in order.
 */
export function newestFirstOrder(times: ReadonlyArray<number | null>): number[] | undefined {
	const timed: number[] = [];
	for (let i = 0; i < times.length; i++) if (times[i] !== null) timed.push(i);
	if (!timed.some((i, k) => k > 0 && (times[i] as number) > (times[timed[k - 1]] as number))) return undefined;
	const sorted = [...timed].sort((a, b) => (times[b] as number) - (times[a] as number));
	const order = times.map((_, i) => i);
	timed.forEach((slot, k) => (order[slot] = sorted[k]));
	return order;
}

interface Taken {
	/** The page's messages that are new and match the query, newest first. */
	out: NormalizedMessage[];
	/** Records on the page not seen before (see nothingNew). */
	fresh: number;
	/** The page's oldest message time (within the window); null when no message had a time. */
	oldestTimed: number | null;
	/** The limit is reached. */
	full: boolean;
}

/**
 * Turns raw pages into new messages: normalizes, orders newest first, deduplicates by real ids only (a record
 * without an id is always kept: it is never merged with another), applies the query, counts toward the limit.
 */
function createTaker(adapter: ProviderAdapter, query: ListQuery, options: PaginateOptions) {
	const seenIds = new Set<string>();
	const seenRecords = new Map<string, number>();
	const businessOnServer = adapter.serverFilters.includes('business');
	let emitted = 0;
	let pageNumber = 0;

	const normalize = (raw: unknown): NormalizedMessage => {
		const m = adapter.toMessage(raw, query);
		if (options.includeRaw) m.raw = raw;
		return m;
	};

	function take(items: unknown[], bounds?: { startMs: number; endMs: number }): Taken {
		const page = pageNumber++;
		let messages = items.map(normalize);
		let times = messages.map((m) => millisOf(m.timestamp));
		const order = newestFirstOrder(times);
		if (order) {
			messages = order.map((i) => messages[i]);
			times = order.map((i) => times[i]);
		}
		// First which records are new; then, unless the whole page is a repeat, the new ones that match.
		const candidates: number[] = [];
		let fresh = 0;
		let oldestTimed: number | null = null;
		for (let i = 0; i < messages.length; i++) {
			const m = messages[i];
			const t = times[i];
			if (bounds && t !== null && (t < bounds.startMs || t > bounds.endMs)) continue;
			if (t !== null) oldestTimed = oldestTimed === null ? t : Math.min(oldestTimed, t);
			if (m.id !== null) {
				if (seenIds.has(m.id)) continue;
				seenIds.add(m.id);
				fresh++;
			} else {
				const key = contentKey(m);
				const firstSeen = seenRecords.get(key);
				if (firstSeen === undefined) seenRecords.set(key, page);
				if (firstSeen === undefined || firstSeen === page) fresh++;
				// Date windows overlap (each request is padded): a record with neither an id nor a time that an
				// earlier window already returned is that overlap, the same record again.
				else if (bounds && t === null) continue;
			}
			candidates.push(i);
		}
		const out: NormalizedMessage[] = [];
		// A page holding nothing new is the provider repeating a page: none of it is output (and paging stops).
		if (nothingNew(fresh)) return { out, fresh, oldestTimed, full: false };
		for (const i of candidates) {
			const m = messages[i];
			if (!matchesQuery(m, query, businessOnServer, times[i], options.untimed)) continue;
			emitted++;
			out.push(m);
			if (limitReached(emitted, options.limit)) return { out, fresh, oldestTimed, full: true };
		}
		return { out, fresh, oldestTimed, full: false };
	}

	return { take, emitted: () => emitted };
}

/** The date windows of a window-style provider, newest first, covering [start, end] exactly. */
export function dateWindows(query: ListQuery, days: number, defaultRangeDays: number, now = Date.now()): Array<{ startMs: number; endMs: number }> {
	// Without an end date the range runs a day past our clock: the provider's clock may be ahead of ours.
	const end = query.endMs ?? now + DAY_MS;
	const start = query.startMs ?? (query.endMs ?? now) - defaultRangeDays * DAY_MS;
	const size = days * DAY_MS;
	const windows = [];
	for (let hi = end; hi >= start; hi -= size) windows.push({ startMs: Math.max(start, hi - size + 1), endMs: hi });
	return windows;
}

/**
 * Requests spaced by the fastest round trip ÷ concurrency. Sent together, K requests come back together and are
 * processed in one burst on n8n's single thread while nothing is in flight, for the whole run; spaced, each
 * reply is handled while the others are on the wire. The spacing never lowers the throughput below what K
 * requests in flight allow. Times are performance.now() (monotonic: a clock set back mid-run cannot turn the
 * spacing into a long wait).
 */
class Pacer {
	private fastestRoundTrip = Infinity;
	private spacing = 0;
	private nextStartAt = 0;

	/** How long the next request should wait (below 1 ms: it may start now). */
	wait(now: number): number {
		return Math.min(this.nextStartAt - now, this.spacing);
	}

	started(now: number, concurrency: number): void {
		this.spacing = concurrency > 1 && Number.isFinite(this.fastestRoundTrip) ? (0.85 * this.fastestRoundTrip) / concurrency : 0;
		this.nextStartAt = now + this.spacing;
	}

	finished(roundTrip: number): void {
		this.fastestRoundTrip = Math.min(this.fastestRoundTrip, roundTrip);
	}
}

type Taker = ReturnType<typeof createTaker>;

/** A cursor API: strictly one request at a time, each page asked for with the cursor of the one before. */
async function* cursorPages(
	api: ApiClient,
	adapter: ProviderAdapter,
	query: ListQuery,
	options: PaginateOptions,
	taker: Taker,
	size: number,
	clientFiltering: boolean,
): AsyncGenerator<NormalizedMessage[]> {
	let cursor: string | undefined;
	const used = new Set<string>();
	for (let n = 0; n < (options.maxPages ?? DEFAULT_MAX_PAGES); n++) {
		const wanted = options.limit !== undefined && !clientFiltering ? Math.min(size, options.limit - taker.emitted()) : size;
		const page = await adapter.listPage(api, query, { kind: 'cursor', cursor, size: wanted });
		const r = taker.take(page.items);
		if (r.out.length) yield r.out;
		if (r.full || pageEndsHistory(adapter.pageStyle, { itemCount: page.items.length, ...r }, query.startMs)) return;
		if (cursorEnds(page.next, used)) return;
		cursor = page.next as string;
		used.add(cursor);
	}
}

/**
 * The one pagination engine: streams a provider's history newest first, each message once (deduplicated by
 * id, so a page shifted by newly arrived messages adds no duplicates; records without an id are all kept), and
 * stops by the named stop rules above (empty page, short page, nothing new, older than the range, cursor end,
 * limit) or the page cap. With a limit it sends no request it does not need; without one it keeps up to
 * `concurrency` requests in flight where the paging style allows it (a 429 halves that for the rest of the
 * run). Output order is the provider's order whatever the concurrency.
 */
export async function* paginatePages(
	api: ApiClient,
	adapter: ProviderAdapter,
	query: ListQuery,
	options: PaginateOptions,
): AsyncGenerator<NormalizedMessage[]> {
	const style = adapter.pageStyle;
	const clientFiltering = needsClientFiltering(adapter, query);
	const taker = createTaker(adapter, query, options);
	if (style.kind === 'cursor') {
		api.onThrottle = () => undefined;
		yield* cursorPages(api, adapter, query, options, taker, style.size, clientFiltering);
		return;
	}
	let concurrency = Math.max(1, Math.floor(options.concurrency));
	api.onThrottle = () => {
		concurrency = Math.max(1, Math.floor(concurrency / 2));
	};

	/** How many page requests can still be useful; Infinity when we cannot know. */
	const pagesWanted = (): number => {
		if (options.limit === undefined) return Infinity;
		if (clientFiltering || style.kind !== 'pages') return 1;
		return Math.max(1, Math.ceil((options.limit - taker.emitted()) / style.size));
	};
	const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
	const refs: PageRef[] =
		style.kind === 'windows'
			? dateWindows(query, style.days, adapter.defaultRangeDays ?? 30).map((w) => ({ kind: 'windows' as const, ...w }))
			: [];
	const refAt = (n: number): PageRef | undefined =>
		style.kind === 'pages' ? (n < maxPages ? { kind: 'pages', page: style.first + n } : undefined) : refs[n];

	// Pages requested and not yet consumed, in order. With several requests in flight a finished request frees
	// its slot at once (the next page is requested then, not when the consumer reaches it); at most
	// 2 × concurrency pages are held ahead.
	const queue: Array<{ ref: PageRef; result: Promise<Page> }> = [];
	const pacer = new Pacer();
	const firstRound = concurrency;
	let active = 0;
	let stopped = false;
	let nextIndex = 0;
	let paced: Promise<void> | undefined;
	let sentSinceMapping = false;
	const fill = (): void => {
		while (!stopped && active < concurrency && queue.length < concurrency * 2 && queue.length < pagesWanted()) {
			const ref = refAt(nextIndex);
			if (!ref) return;
			const wait = pacer.wait(performance.now());
			if (wait >= 1) {
				paced ??= sleep(wait).then(() => {
					paced = undefined;
					fill();
				});
				return;
			}
			// The first round leaves together while n8n warms up: its round trips are not the provider's.
			const warm = nextIndex >= firstRound;
			nextIndex++;
			active++;
			const startedAt = performance.now();
			pacer.started(startedAt, concurrency);
			const result = adapter.listPage(api, query, ref);
			sentSinceMapping = true;
			// Pages fetched ahead may be abandoned; their failures must not surface as unhandled.
			result.then(
				(page) => {
					active--;
					if (warm) pacer.finished(performance.now() - startedAt);
					// A short page is the end: nothing past it is requested. With one request at a time the run
					// stays strictly sequential, so it never asks for a page it does not need.
					if (shortPage(style, page.items.length)) stopped = true;
					else if (concurrency > 1) fill();
				},
				() => {
					active--;
					stopped = true;
				},
			);
			queue.push({ ref, result });
		}
	};
	try {
		for (;;) {
			fill();
			while (queue.length === 0 && paced) await paced;
			const head = queue[0];
			if (!head) return;
			// The head stays queued until its messages are out, so it counts as a page already asked for.
			const page = await head.result;
			// Requests issued since the last page was mapped connect and write in a later turn of the event loop;
			// mapping waits for that turn so it stays off the requests' critical path.
			if (sentSinceMapping && concurrency > 1) {
				sentSinceMapping = false;
				await sleep(0);
			}
			const r = taker.take(page.items, head.ref.kind === 'windows' ? head.ref : undefined);
			if (r.out.length) yield r.out;
			queue.shift();
			if (r.full) return;
			if (head.ref.kind === 'windows') continue;
			if (pageEndsHistory(style, { itemCount: page.items.length, ...r }, query.startMs)) return;
		}
	} finally {
		stopped = true;
		// Pages fetched ahead and not needed: let them finish so no request outlives the node's run.
		await Promise.allSettled(queue.map((f) => f.result));
	}
}

/** The same history one message at a time, for callers that stop at the first match. */
export async function* paginate(
	api: ApiClient,
	adapter: ProviderAdapter,
	query: ListQuery,
	options: PaginateOptions,
): AsyncGenerator<NormalizedMessage> {
	for await (const page of paginatePages(api, adapter, query, options)) yield* page;
}
