import { millisOf } from '../dates';
import { directionKnown } from '../mapping';
import type { ProviderAdapter } from '../provider';
import type { ListQuery, NormalizedMessage } from '../types';

/** Whether a message matches the query (numbers, direction, dates); `untimed` says what a date range does with a message without a time. */
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

/**
 * A trigger's rule: the query matches, and with Event = Inbound the record tells that the message is inbound (one
 * whose direction is unknown could be our own message: an auto-reply would answer it). Event = Any takes it.
 */
export function eventMatches(m: NormalizedMessage, q: ListQuery, businessOnServer = false, t: number | null = millisOf(m.timestamp), untimed: 'exclude' | 'include' = 'exclude'): boolean {
	return matchesQuery(m, q, businessOnServer, t, untimed) && (q.direction !== 'inbound' || directionKnown(m));
}

/** Whether some of the query is the node's to apply (the API does not filter on it). */
export function needsClientFiltering(adapter: ProviderAdapter, q: ListQuery): boolean {
	const server = adapter.serverFilters;
	return (
		(!!q.businessNumber && !server.includes('business')) ||
		(!!q.contactNumber && !server.includes('contact')) ||
		(!!q.direction && !server.includes('direction')) ||
		((q.startMs !== undefined || q.endMs !== undefined) && !server.includes('dates'))
	);
}
