import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import type { ApiClient } from '../transport/http';
import { createClient } from '../transport/client';
import { millisOf, toIso } from '../dates';
import { asNodeError, inputError, parameterLabel } from '../errors';
import { messageKey, OVERLAP_MS } from '../mapping';
import { readOptions, requireValue } from '../input';
import { paginatePages } from '../history/paginate';
import { eventMatches } from '../history/query';
import { parsePhone, parsePhoneList } from '../phone';
import type { ProviderAdapter } from '../provider';
import { readTriggerOutput, triggerItems } from '../triggerTranscript';
import type { Direction, ListQuery, NormalizedMessage } from '../types';

/** Where one watched conversation's history was read up to (JSON only). */
export interface PollPoint {
	/** The newest message time seen (ISO). */
	timestamp: string;
	/**
	 * The messages seen within the overlap before `timestamp` (their ids, a record without an id: its content's key;
	 * with their times in epoch ms): a poll re-reads that window, and these are not new there. Older versions kept
	 * `ids` instead: the messages at exactly `timestamp`.
	 */
	seen?: Array<[key: string, ms: number]>;
	ids?: string[];
	/** Nothing older is emitted (ISO): the point at activation (the overlap never reaches before it); older versions: `timestamp`. */
	floor?: string;
	/**
	 * Messages seen without a usable time. They cannot be placed before or after the stored point, so (as n8n's
	 * Gmail trigger does) they are taken to sit at it: each is emitted once and remembered here.
	 */
	untimed?: string[];
}

/** What a trigger keeps between polls (workflow static data, JSON only). */
export interface PollState {
	/** The stored point of a trigger that reads one history (every provider but DoubleTick). */
	cursor?: PollPoint;
	/** DoubleTick: one stored point per watched contact (E.164), so each contact's history is read from its own. */
	conversations?: Record<string, PollPoint>;
}

/** Keys kept in the overlap window at most (a number busier than this per window re-reads its oldest as new). */
const MAX_SEEN = 10_000;
const MAX_UNTIMED_IDS = 1000;
const EMPTY_HISTORY_LOOKBACK_MS = 86_400_000;

interface Watched {
	/** The key of the conversation's stored point; undefined for the single-history triggers (`cursor`). */
	key?: string;
	/** The trigger's filters for this conversation (checked on every message). */
	query: ListQuery;
}

/** The part of a query the provider's API applies itself (the rest is the trigger's to check). */
function serverSideFilters(adapter: ProviderAdapter, query: ListQuery): ListQuery {
	const server = adapter.serverFilters;
	return {
		businessNumber: server.includes('business') ? query.businessNumber : undefined,
		contactNumber: server.includes('contact') ? query.contactNumber : undefined,
		direction: server.includes('direction') ? query.direction : undefined,
	};
}

/**
 * The watched conversations. DoubleTick lists history one contact at a time: it watches the listed contacts,
 * and Filters → Contact Number narrows that list to one of them (a contact not in the list is an error, not a
 * silent replacement of the list). The others read one history.
 */
function readWatched(ctx: IPollFunctions, adapter: ProviderAdapter, watchesContacts: boolean): Watched[] {
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
	if (!watchesContacts) return [{ query: base }];
	const listed = parsePhoneList(node, ctx.getNodeParameter('contactNumbers', ''), 'contactNumbers');
	if (!listed.length) throw inputError(node, `The parameter ${parameterLabel('contactNumbers')} is required: list the contacts to watch`);
	if (base.contactNumber && !listed.includes(base.contactNumber)) {
		throw inputError(
			node,
			`${parameterLabel('filters.contactNumber')} ${base.contactNumber} is not one of the watched ${parameterLabel('contactNumbers')}`,
			undefined,
			'The filter narrows the watched contacts to one of them. Add the number to Contact Numbers, or remove the filter.',
		);
	}
	const contacts = base.contactNumber ? [base.contactNumber] : listed;
	return contacts.map((contactNumber) => ({ key: contactNumber, query: { ...base, contactNumber } }));
}

interface Seen {
	message: NormalizedMessage;
	key: string;
	time: number | null;
}

/** The first page of a conversation's history (any kind of message: no client-side filter): one request. */
async function firstPage(api: ApiClient, adapter: ProviderAdapter, query: ListQuery): Promise<Seen[]> {
	const walk = serverSideFilters(adapter, query);
	delete walk.direction;
	for await (const page of paginatePages(api, adapter, walk, { concurrency: 1, includeRaw: true })) {
		return page.map((message) => ({ message, key: messageKey(message), time: millisOf(message.timestamp) }));
	}
	return [];
}

/** The stored point at activation: the newest message of any kind, whatever the trigger's filters. */
function startingPoint(page: Seen[], now: number): PollPoint {
	const timed = page.filter((s) => s.time !== null);
	const untimed = page.filter((s) => s.time === null).map((s) => s.key);
	if (!timed.length) {
		// No message (or none with a time): start from our clock, a day back when the history is empty.
		return { timestamp: toIso(page.length ? now : now - EMPTY_HISTORY_LOOKBACK_MS), ids: [], untimed };
	}
	const newest = Math.max(...timed.map((s) => s.time as number));
	const seen = timed.filter((s) => (s.time as number) >= newest - OVERLAP_MS).map((s): [string, number] => [s.key, s.time as number]);
	return { timestamp: toIso(newest), seen, floor: toIso(newest), untimed };
}

/** The messages seen in the overlap window, and the floor, of a point (older versions: the keys at its time, and its time). */
function windowOf(point: PollPoint): { seen: Array<[string, number]>; floor: number } {
	const at = millisOf(point.timestamp) ?? 0;
	return { seen: point.seen ?? (point.ids ?? []).map((key): [string, number] => [key, at]), floor: millisOf(point.floor ?? point.timestamp) ?? at };
}

/**
 * Everything new since a conversation's stored point, newest first: the walk re-reads the overlap window before
 * the point (never past the floor), and a message is new when its key was not seen there.
 */
async function readSince(api: ApiClient, adapter: ProviderAdapter, query: ListQuery, point: PollPoint): Promise<Seen[]> {
	const { seen, floor } = windowOf(point);
	const known = new Set(seen.map(([key]) => key));
	const untimed = new Set(point.untimed ?? []);
	const start = Math.max(floor, (millisOf(point.timestamp) ?? 0) - OVERLAP_MS);
	const walk = { ...serverSideFilters(adapter, query), startMs: start };
	const out: Seen[] = [];
	for await (const page of paginatePages(api, adapter, walk, { concurrency: 1, includeRaw: true, untimed: 'include' })) {
		for (const message of page) {
			const key = messageKey(message);
			const time = millisOf(message.timestamp);
			if (time === null ? !untimed.has(key) : time >= start && !known.has(key)) out.push({ message, key, time });
		}
	}
	return out;
}

/**
 * The stored point after a poll that saw `fresh` (all of them, wanted or not): the newest time, and the window's
 * keys (pruned by time: what the next poll's overlap can meet again).
 */
function advance(point: PollPoint, fresh: Seen[]): PollPoint {
	const { seen, floor } = windowOf(point);
	const timed = fresh.filter((s) => s.time !== null);
	const untimed = [...(point.untimed ?? []), ...fresh.filter((s) => s.time === null).map((s) => s.key)].slice(-MAX_UNTIMED_IDS);
	const newest = Math.max(millisOf(point.timestamp) ?? 0, ...timed.map((s) => s.time as number));
	const window = [...seen, ...timed.map((s): [string, number] => [s.key, s.time as number])].filter(([, t]) => t >= newest - OVERLAP_MS);
	const next: PollPoint = { timestamp: toIso(newest), seen: window.slice(-MAX_SEEN), floor: toIso(floor) };
	if (untimed.length) next.untimed = untimed;
	return next;
}

/**
 * The polling trigger of every provider (modelled on n8n's Gmail trigger):
 * - first activation stores the newest existing message of any kind as the starting point (one page per
 *   watched conversation, whatever the filters) and emits nothing;
 * - "Fetch Test Event" (manual) reads the same first page(s), returns the newest message on them that matches
 *   the filters (nothing when none does) and never touches the state;
 * - later polls walk each conversation newest first back to its own stored point only, emit what is new
 *   oldest first, each message once (ids at the boundary time are remembered), then advance each point;
 * - a message without a usable time never moves a point: it is taken to sit at the point, emitted once (first
 *   in its poll) and remembered;
 * - a failed poll advances nothing; it throws in manual mode and on first activation, otherwise logs.
 */
export async function pollMessages(
	this: IPollFunctions,
	adapter: ProviderAdapter,
	watchesContacts = false,
): Promise<INodeExecutionData[][] | null> {
	const state = this.getWorkflowStaticData('node') as PollState;
	const manual = this.getMode() === 'manual';
	const firstRun = !state.cursor && !state.conversations;
	try {
		const watched = readWatched(this, adapter, watchesContacts);
		const options = readOptions(this, 0);
		// Output Format and Context Messages are checked before any request.
		readTriggerOutput(this, options);
		// One request at a time: a poll with nothing new costs one request per watched conversation.
		options.concurrency = 1;
		const api = createClient(this, adapter, options);
		const businessOnServer = adapter.serverFilters.includes('business');
		const strip = (m: NormalizedMessage) => {
			if (!options.includeRaw) delete m.raw;
			return m;
		};

		if (manual) {
			let newest: Seen | undefined;
			for (const w of watched) {
				for (const s of await firstPage(api, adapter, w.query)) {
					if (!eventMatches(s.message, w.query, businessOnServer, s.time)) continue;
					if (!newest || (s.time ?? -Infinity) > (newest.time ?? -Infinity)) newest = s;
				}
			}
			return newest ? [await triggerItems(this, { adapter, client: api, options, messages: [strip(newest.message)], businessNumber: watched[0]?.query.businessNumber })] : null;
		}

		// DoubleTick state saved before there was one point per contact: that point holds for every contact.
		if (watchesContacts && state.cursor && !state.conversations) {
			state.conversations = Object.fromEntries(watched.map((w) => [w.key as string, state.cursor as PollPoint]));
			delete state.cursor;
		}
		const pointOf = (w: Watched) => (w.key === undefined ? state.cursor : state.conversations?.[w.key]);
		const setPoint = (w: Watched, point: PollPoint) => {
			if (w.key === undefined) state.cursor = point;
			else state.conversations = { ...state.conversations, [w.key]: point };
		};

		const untimedOut: NormalizedMessage[] = [];
		const timedOut: Array<{ message: NormalizedMessage; time: number }> = [];
		const updates: Array<[Watched, PollPoint]> = [];
		for (const w of watched) {
			const point = pointOf(w);
			if (!point) {
				// Activation (or a contact added to the list since): its existing history is never emitted.
				updates.push([w, startingPoint(await firstPage(api, adapter, w.query), Date.now())]);
				continue;
			}
			const fresh = await readSince(api, adapter, w.query, point);
			if (!fresh.length) continue;
			updates.push([w, advance(point, fresh)]);
			// Oldest first: the walk is newest first, so reversing keeps equal times in arrival order.
			for (const s of [...fresh].reverse()) {
				if (!eventMatches(s.message, w.query, businessOnServer, s.time, 'include')) continue;
				if (s.time === null) untimedOut.push(strip(s.message));
				else timedOut.push({ message: strip(s.message), time: s.time });
			}
		}
		// Every read succeeded: only now do the points move.
		for (const [w, point] of updates) setPoint(w, point);
		const ordered = [...untimedOut, ...timedOut.sort((a, b) => a.time - b.time).map((t) => t.message)];
		if (!ordered.length) return null;
		const items = await triggerItems(this, { adapter, client: api, options, messages: ordered, businessNumber: watched[0]?.query.businessNumber });
		return items.length ? [items] : null;
	} catch (error) {
		if (manual || firstRun) throw asNodeError(this.getNode(), error);
		this.logger.error(`${adapter.displayName} trigger: the poll failed and will be retried: ${(error as Error).message}`, {
			node: this.getNode().name,
		});
		return null;
	}
}
