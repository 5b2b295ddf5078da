import { millisOf } from '../dates';
import { contentKey } from '../mapping';
import type { ProviderAdapter } from '../provider';
import type { ListQuery, NormalizedMessage } from '../types';
import { matchesQuery } from './query';
import { limitReached, nothingNew } from './stopRules';

export interface TakeOptions {
	/** Stop after this many messages; undefined = no limit. */
	limit?: number;
	includeRaw: boolean;
	/** What a date filter does with a message without a usable time (see PaginateOptions). */
	untimed?: 'exclude' | 'include';
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

export interface Taken {
	/** The page's messages that are new and match the query, newest first. */
	out: NormalizedMessage[];
	/** Records on the page not seen before (see nothingNew). */
	fresh: number;
	/** The page's oldest message time (within the window); null when no message had a time. */
	oldestTimed: number | null;
	/** The limit is reached. */
	full: boolean;
}

export type Taker = ReturnType<typeof createTaker>;

/**
 * Turns raw pages into new messages: normalizes, orders newest first, deduplicates by real ids only (a record
 * without an id is always kept: it is never merged with another), applies the query, counts toward the limit.
 */
export function createTaker(adapter: ProviderAdapter, query: ListQuery, options: TakeOptions) {
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
