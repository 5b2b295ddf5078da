import type { ApiClient } from '../transport/http';
import { paginatePages } from '../history/paginate';
import type { ListQuery, NormalizedMessage } from '../types';
import type { WebhookAdapter } from './types';

/** The gap-check interval when the trigger's option does not say (minutes). */
export const DEFAULT_GAP_CHECK_MINUTES = 15;

/**
 * The history from `fromMs` on, newest first, through the same pagination engine as the action nodes, to its end
 * (no page cap: what is read is what can be emitted; the ledger bounds what one execution emits). Per-contact
 * histories (DoubleTick) are read for each contact given.
 */
export async function readSince(
	client: ApiClient,
	wa: WebhookAdapter,
	filters: ListQuery,
	fromMs: number,
	contacts: string[],
	options: { includeRaw: boolean },
): Promise<NormalizedMessage[]> {
	const adapter = wa.history;
	const server = adapter.serverFilters;
	const base: ListQuery = {
		businessNumber: server.includes('business') ? filters.businessNumber : undefined,
		direction: server.includes('direction') ? filters.direction : undefined,
		startMs: fromMs,
	};
	const queries: ListQuery[] = wa.catchUpPerContact
		? (filters.contactNumber ? [filters.contactNumber] : contacts).map((contactNumber) => ({ ...base, contactNumber }))
		: [{ ...base, contactNumber: server.includes('contact') ? filters.contactNumber : undefined }];
	const all: NormalizedMessage[] = [];
	for (const query of queries) {
		// One request at a time: a check nearly always ends on its first page, and 2Chat bills every request.
		for await (const page of paginatePages(client, adapter, query, { concurrency: 1, includeRaw: options.includeRaw })) all.push(...page);
	}
	return all;
}
