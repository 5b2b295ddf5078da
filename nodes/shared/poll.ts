import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { createClient } from './client';
import { millisOf } from './dates';
import { asNodeError, inputError, parameterLabel } from './errors';
import { readOptions, requireValue } from './input';
import { matchesQuery, paginate } from './paginate';
import { parsePhone } from './phone';
import type { ProviderAdapter } from './provider';
import { toItems } from './router';
import type { Direction, ListQuery, NormalizedMessage } from './types';

/** What a trigger keeps between polls (workflow static data, JSON only). */
export interface PollState {
	/** The newest message time seen (ISO) and the ids seen at exactly that time. */
	cursor?: { timestamp: string; ids: string[] };
}

const MAX_BOUNDARY_IDS = 500;
const EMPTY_HISTORY_LOOKBACK_MS = 86_400_000;

/** The part of a query the provider's API applies itself (the rest is the trigger's to check). */
function serverSideFilters(adapter: ProviderAdapter, query: ListQuery): ListQuery {
	const server = adapter.serverFilters;
	return {
		businessNumber: server.includes('business') ? query.businessNumber : undefined,
		contactNumber: server.includes('contact') ? query.contactNumber : undefined,
		direction: server.includes('direction') ? query.direction : undefined,
	};
}

/** One query per watched conversation (DoubleTick watches listed contacts; the others one number). */
function readQueries(ctx: IPollFunctions, adapter: ProviderAdapter, watchesContacts: boolean): ListQuery[] {
	const node = ctx.getNode();
	const base: ListQuery = {};
	if (adapter.required.getAll.includes('businessNumber')) {
		const business = String(ctx.getNodeParameter('businessNumber', '') ?? '').trim();
		requireValue(node, business, 'businessNumber');
		base.businessNumber = parsePhone(node, business, 'businessNumber');
	}
	const event = String(ctx.getNodeParameter('event', 'inbound'));
	if (event === 'inbound' || event === 'outbound') base.direction = event as Direction;
	const filters = (ctx.getNodeParameter('filters', {}) ?? {}) as IDataObject;
	const contact = String(filters.contactNumber ?? '').trim();
	if (contact) base.contactNumber = parsePhone(node, contact, 'filters.contactNumber');
	if (!watchesContacts) return [base];
	const listed = String(ctx.getNodeParameter('contactNumbers', '') ?? '')
		.split(/[,;\n]/)
		.map((c) => c.trim())
		.filter(Boolean)
		.map((c) => parsePhone(node, c, 'contactNumbers'));
	const contacts = base.contactNumber ? [base.contactNumber] : [...new Set(listed)];
	if (!contacts.length) throw inputError(node, `The parameter ${parameterLabel('contactNumbers')} is required: list the contacts to watch`);
	return contacts.map((contactNumber) => ({ ...base, contactNumber }));
}

/**
 * The polling trigger of every provider (modelled on n8n's Gmail trigger):
 * - first activation stores the newest existing message as the starting point and emits nothing;
 * - "Fetch Test Event" (manual) returns the newest message and never touches the state;
 * - later polls walk each conversation newest first back to the stored point only, emit what is new
 *   oldest first, each message once (ids at the boundary time are remembered), then advance the state;
 * - a failed poll advances nothing; it throws in manual mode and on first activation, otherwise logs.
 */
export async function pollMessages(
	this: IPollFunctions,
	adapter: ProviderAdapter,
	watchesContacts = false,
): Promise<INodeExecutionData[][] | null> {
	const state = this.getWorkflowStaticData('node') as PollState;
	const manual = this.getMode() === 'manual';
	const firstRun = !state.cursor;
	try {
		const queries = readQueries(this, adapter, watchesContacts);
		const options = readOptions(this, 0);
		// One request at a time: a poll with nothing new costs one request per watched conversation.
		options.concurrency = 1;
		const api = createClient(this, adapter, options);

		if (manual || firstRun) {
			let newest: NormalizedMessage | undefined;
			for (const query of queries) {
				for await (const m of paginate(api, adapter, query, { limit: 1, concurrency: 1, includeRaw: options.includeRaw })) {
					if (!newest || millisOf(m.timestamp) > millisOf(newest.timestamp)) newest = m;
				}
			}
			if (manual) return newest ? [await toItems([newest], api, options)] : null;
			state.cursor = newest
				? { timestamp: newest.timestamp, ids: [newest.id] }
				: { timestamp: new Date(Date.now() - EMPTY_HISTORY_LOOKBACK_MS).toISOString(), ids: [] };
			return null;
		}

		const cursor = state.cursor as NonNullable<PollState['cursor']>;
		const since = millisOf(cursor.timestamp);
		const boundary = new Set(cursor.ids);
		// Every message past the stored point, matching the trigger's filters or not: the stored point moves past
		// the ones that do not match, or an idle trigger would read them again on every poll.
		const fresh = new Map<string, { message: NormalizedMessage; wanted: boolean }>();
		for (const query of queries) {
			const walk = { ...serverSideFilters(adapter, query), startMs: since };
			for await (const m of paginate(api, adapter, walk, { concurrency: 1, includeRaw: options.includeRaw })) {
				const t = millisOf(m.timestamp);
				if (t > since || (t === since && !boundary.has(m.id))) fresh.set(m.id, { message: m, wanted: matchesQuery(m, query, adapter.serverFilters.includes('business')) });
			}
		}
		if (!fresh.size) return null;
		// Oldest first; the providers list newest first, so reversing before the (stable) sort keeps equal
		// timestamps oldest first too.
		const ordered = [...fresh.values()].reverse().sort((a, b) => millisOf(a.message.timestamp) - millisOf(b.message.timestamp));
		const newest = ordered[ordered.length - 1].message.timestamp;
		const atNewest = ordered.filter((f) => f.message.timestamp === newest).map((f) => f.message.id);
		const ids = millisOf(newest) === since ? [...cursor.ids, ...atNewest] : atNewest;
		const wanted = ordered.filter((f) => f.wanted).map((f) => f.message);
		const items = wanted.length ? await toItems(wanted, api, options) : [];
		state.cursor = { timestamp: new Date(millisOf(newest)).toISOString(), ids: ids.slice(-MAX_BOUNDARY_IDS) };
		return items.length ? [items] : null;
	} catch (error) {
		if (manual || firstRun) throw asNodeError(this.getNode(), error);
		this.logger.error(`${adapter.displayName} trigger: the poll failed and will be retried: ${(error as Error).message}`, {
			node: this.getNode().name,
		});
		return null;
	}
}
