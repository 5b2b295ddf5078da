import type { ApiClient } from '../transport/http';
import type { PageRef, ProviderAdapter } from '../provider';
import type { ListQuery, NormalizedMessage } from '../types';
import { dateWindows, PageFetcher } from './fetcher';
import { needsClientFiltering } from './query';
import { cursorEnds, pageEndsHistory } from './stopRules';
import { createTaker } from './taker';
import type { Taker } from './taker';

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

const DEFAULT_MAX_PAGES = 100_000;

/** A cursor API: strictly one request at a time, each page asked for with the cursor of the one before. */
async function* cursorPages(
	api: ApiClient,
	adapter: ProviderAdapter,
	query: ListQuery,
	options: PaginateOptions,
	taker: Taker,
	size: number,
): AsyncGenerator<NormalizedMessage[]> {
	const clientFiltering = needsClientFiltering(adapter, query);
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

/** The page references of a page-numbered or date-window API, by position. */
function pageRefs(adapter: ProviderAdapter, query: ListQuery, maxPages: number): (n: number) => PageRef | undefined {
	const style = adapter.pageStyle;
	if (style.kind === 'pages') return (n) => (n < maxPages ? { kind: 'pages', page: style.first + n } : undefined);
	const windows = style.kind === 'windows' ? dateWindows(query, style.days, adapter.defaultRangeDays ?? 30) : [];
	return (n) => (windows[n] ? { kind: 'windows', ...windows[n] } : undefined);
}

/**
 * The one pagination engine: streams a provider's history newest first, each message once (deduplicated by
 * id, so a page shifted by newly arrived messages adds no duplicates; records without an id are all kept), and
 * stops by the named stop rules (stopRules.ts: empty page, short page, nothing new, older than the range, cursor
 * end, limit) or the page cap. With a limit it sends no request it does not need; without one the page fetcher
 * keeps up to `concurrency` requests in flight where the paging style allows it. Output order is the provider's
 * order whatever the concurrency.
 */
export async function* paginatePages(
	api: ApiClient,
	adapter: ProviderAdapter,
	query: ListQuery,
	options: PaginateOptions,
): AsyncGenerator<NormalizedMessage[]> {
	const style = adapter.pageStyle;
	const taker = createTaker(adapter, query, options);
	if (style.kind === 'cursor') {
		api.onThrottle = () => undefined;
		yield* cursorPages(api, adapter, query, options, taker, style.size);
		return;
	}
	const clientFiltering = needsClientFiltering(adapter, query);
	/** How many page requests can still be useful; Infinity when we cannot know. */
	const pagesWanted = (): number => {
		if (options.limit === undefined) return Infinity;
		if (clientFiltering || style.kind !== 'pages') return 1;
		return Math.max(1, Math.ceil((options.limit - taker.emitted()) / style.size));
	};
	const fetcher = new PageFetcher(api, adapter, query, pageRefs(adapter, query, options.maxPages ?? DEFAULT_MAX_PAGES), options.concurrency, pagesWanted);
	try {
		for (;;) {
			const head = await fetcher.head();
			if (!head) return;
			const r = taker.take(head.page.items, head.ref.kind === 'windows' ? head.ref : undefined);
			if (r.out.length) yield r.out;
			fetcher.shift();
			if (r.full) return;
			if (head.ref.kind === 'windows') continue;
			if (pageEndsHistory(style, { itemCount: head.page.items.length, ...r }, query.startMs)) return;
		}
	} finally {
		await fetcher.close();
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
