import { sleep } from 'n8n-workflow';

import type { ApiClient } from './http';
import { millisOf } from './dates';
import type { Page, PageRef, ProviderAdapter } from './provider';
import type { ListQuery, NormalizedMessage } from './types';

export interface PaginateOptions {
	/** Stop after this many messages; undefined = follow pagination to the end. */
	limit?: number;
	/** Requests kept in flight for page-numbered and date-window APIs (cursor APIs stay sequential). */
	concurrency: number;
	includeRaw: boolean;
	/** Safety cap on pages per run. */
	maxPages?: number;
}

const DAY_MS = 86_400_000;
const DEFAULT_MAX_PAGES = 100_000;

export function matchesQuery(m: NormalizedMessage, q: ListQuery, businessOnServer = false, t = millisOf(m.timestamp)): boolean {
	if (!businessOnServer && q.businessNumber && m.businessNumber && m.businessNumber !== q.businessNumber) return false;
	if (q.contactNumber && m.contactNumber !== q.contactNumber) return false;
	if (q.direction && m.direction !== q.direction) return false;
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
 * The one pagination engine: streams a provider's history newest first, each message once (deduplicated by
 * id, so a page shifted by newly arrived messages adds no duplicates), and stops on an empty page, a short
 * page, a page without new ids, a page older than the requested range, the page cap, or the limit. With a
 * limit it sends no request it does not need; without one it keeps up to `concurrency` requests in flight
 * where the paging style allows it (a 429 halves that for the rest of the run). Output order is the
 * provider's order whatever the concurrency.
 */
export async function* paginatePages(
	api: ApiClient,
	adapter: ProviderAdapter,
	query: ListQuery,
	options: PaginateOptions,
): AsyncGenerator<NormalizedMessage[]> {
	const style = adapter.pageStyle;
	const seen = new Set<string>();
	const clientFiltering = needsClientFiltering(adapter, query);
	const businessOnServer = adapter.serverFilters.includes('business');
	const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
	let emitted = 0;
	let concurrency = style.kind === 'cursor' ? 1 : Math.max(1, Math.floor(options.concurrency));
	api.onThrottle = () => {
		concurrency = Math.max(1, Math.floor(concurrency / 2));
	};

	/** How many page requests can still be useful; Infinity when we cannot know. */
	const pagesWanted = (): number => {
		if (options.limit === undefined) return Infinity;
		if (clientFiltering || style.kind !== 'pages') return 1;
		return Math.max(1, Math.ceil((options.limit - emitted) / style.size));
	};

	const normalize = (raw: unknown): NormalizedMessage => {
		const m = adapter.toMessage(raw, query);
		if (options.includeRaw) m.raw = raw;
		return m;
	};

	/** A page's new messages, how many ids were new, the page's oldest timestamp, and whether the limit is reached. */
	function take(items: unknown[], bounds?: { startMs: number; endMs: number }) {
		let messages = items.map(normalize);
		let times = messages.map((m) => millisOf(m.timestamp));
		// Newest first within the page whatever order the provider used (stable: equal times keep theirs).
		if (times.some((t, i) => i > 0 && t > times[i - 1])) {
			const order = times.map((_, i) => i).sort((a, b) => times[b] - times[a]);
			messages = order.map((i) => messages[i]);
			times = order.map((i) => times[i]);
		}
		const out: NormalizedMessage[] = [];
		let fresh = 0;
		let oldest = Infinity;
		for (let i = 0; i < messages.length; i++) {
			const m = messages[i];
			const t = times[i];
			if (bounds && (t < bounds.startMs || t > bounds.endMs)) continue;
			oldest = Math.min(oldest, t);
			if (seen.has(m.id)) continue;
			seen.add(m.id);
			fresh++;
			if (!matchesQuery(m, query, businessOnServer, t)) continue;
			emitted++;
			out.push(m);
			if (options.limit !== undefined && emitted >= options.limit) return { out, fresh, oldest, full: true };
		}
		return { out, fresh, oldest, full: false };
	}

	const olderThanRange = (oldest: number) => query.startMs !== undefined && oldest < query.startMs;

	if (style.kind === 'cursor') {
		let cursor: string | undefined;
		const used = new Set<string>();
		for (let n = 0; n < maxPages; n++) {
			const size = options.limit !== undefined && !clientFiltering ? Math.min(style.size, options.limit - emitted) : style.size;
			const page = await adapter.listPage(api, query, { kind: 'cursor', cursor, size });
			const r = take(page.items);
			if (r.out.length) yield r.out;
			if (r.full || page.items.length === 0 || r.fresh === 0 || olderThanRange(r.oldest)) return;
			if (!page.next || used.has(page.next)) return;
			used.add(page.next);
			cursor = page.next;
		}
		return;
	}

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
	let active = 0;
	let stopped = false;
	let nextIndex = 0;
	// Requests are spaced by the fastest round trip ÷ concurrency. Sent together, K requests come back together
	// and are processed in one burst on n8n's single thread while nothing is in flight, for the whole run; spaced,
	// each reply is handled while the others are on the wire. The spacing never lowers the throughput below what
	// K requests in flight allow.
	let fastestRoundTrip = Infinity;
	let spacing = 0;
	let nextStartAt = 0;
	const firstRound = concurrency;
	let paced: Promise<void> | undefined;
	let sentSinceMapping = false;
	const fill = (): void => {
		while (!stopped && active < concurrency && queue.length < concurrency * 2 && queue.length < pagesWanted()) {
			const ref = refAt(nextIndex);
			if (!ref) return;
			// performance.now() is monotonic: a clock set back mid-run cannot turn the spacing into a long wait.
			const wait = Math.min(nextStartAt - performance.now(), spacing);
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
			spacing = concurrency > 1 && Number.isFinite(fastestRoundTrip) ? (0.85 * fastestRoundTrip) / concurrency : 0;
			nextStartAt = startedAt + spacing;
			const result = adapter.listPage(api, query, ref);
			sentSinceMapping = true;
			// Pages fetched ahead may be abandoned; their failures must not surface as unhandled.
			result.then(
				(page) => {
					active--;
					if (warm) fastestRoundTrip = Math.min(fastestRoundTrip, performance.now() - startedAt);
					// A short page is the end: nothing past it is requested. With one request at a time the run
					// stays strictly sequential, so it never asks for a page it does not need.
					if (style.kind === 'pages' && page.items.length < style.size) stopped = true;
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
			const r = take(page.items, head.ref.kind === 'windows' ? head.ref : undefined);
			if (r.out.length) yield r.out;
			queue.shift();
			if (r.full) return;
			if (head.ref.kind === 'windows') continue;
			if (page.items.length === 0 || r.fresh === 0 || olderThanRange(r.oldest)) return;
			if (style.kind === 'pages' && page.items.length < style.size) return;
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
