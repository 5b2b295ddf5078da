import { millisOf } from '../dates';
import type { ApiClient } from '../transport/http';
import { paginate } from '../history/paginate';
import type { ListQuery, NormalizedMessage } from '../types';
import type { WebhookAdapter } from './types';

const CATCH_UP_MAX_PAGES = 50;
/** A delivery after this much silence reads the history since the cursor: a lost delivery shows up there. */
export const GAP_CHECK_MS = 15 * 60_000;
/** Catch-up reads this much before the cursor: providers keep whole seconds, and clocks differ (ids dedupe the overlap). */
export const CLOCK_SKEW_MS = 5_000;

/**
 * The history since the cursor, oldest first, through the same pagination engine as the action nodes. Reads every
 * message past the cursor (matching or not) so the cursor can move past them.
 */
export async function readSince(client: ApiClient, wa: WebhookAdapter, filters: ListQuery, cursorMs: number, contacts: string[], includeRaw: boolean) {
	const adapter = wa.history;
	const server = adapter.serverFilters;
	const base: ListQuery = {
		businessNumber: server.includes('business') ? filters.businessNumber : undefined,
		direction: server.includes('direction') ? filters.direction : undefined,
		startMs: cursorMs,
	};
	const queries: ListQuery[] = wa.catchUpPerContact
		? (filters.contactNumber ? [filters.contactNumber] : contacts).map((contactNumber) => ({ ...base, contactNumber }))
		: [{ ...base, contactNumber: server.includes('contact') ? filters.contactNumber : undefined }];
	const all: NormalizedMessage[] = [];
	for (const query of queries) {
		for await (const m of paginate(client, adapter, query, { concurrency: 1, includeRaw, maxPages: CATCH_UP_MAX_PAGES })) all.push(m);
	}
	return all;
}

/**
 * What a catch-up may emit: the history records that can be shown to be new (a time at or past the read's start
 * with an id, or past the cursor without one) and the delivered messages; the delivered copy wins over the
 * history's (fresh media links).
 */
export function catchUpCandidates(history: NormalizedMessage[], delivered: NormalizedMessage[], from: number, cursorMs: number): NormalizedMessage[] {
	const byId = new Map<string, NormalizedMessage>();
	const withoutId: NormalizedMessage[] = [];
	for (const m of history) {
		// Without a time a history record cannot be placed after the cursor, and without an id it cannot be told
		// from one emitted before.
		const t = millisOf(m.timestamp);
		if (t === null) continue;
		if (m.id !== null && t >= from) byId.set(m.id, m);
		else if (m.id === null && t > cursorMs) withoutId.push(m);
	}
	for (const m of delivered) if (m.id !== null) byId.set(m.id, m);
	return [...byId.values(), ...withoutId, ...delivered.filter((m) => m.id === null)];
}
