import type { IDataObject } from 'n8n-workflow';

import { ApiClient } from '../../transport/http';
import { ConversationAggregator } from '../../conversations';
import { millisOf } from '../../dates';
import { inputError, parameterLabel } from '../../errors';
import { readDateRange, readLimit, requireValue } from '../../input';
import type { RunOptions } from '../../input';
import { paginatePages } from '../../history/paginate';
import { parsePhone, parsePhoneList } from '../../phone';
import type { ProviderAdapter } from '../../provider';
import type { OperationResult, PreparedOperation } from '../result';
import type { HostContext, ListQuery } from '../../types';

/** Without Received After, the window is this many days before Received Before (or before now). */
export const DEFAULT_WINDOW_DAYS = 7;
const DAY_MS = 86_400_000;

/** What List Conversations reads and keeps, validated before any request. */
export interface ConversationRequest {
	/** One history read each: the business number's history, or (DoubleTick) one per listed contact. */
	reads: ListQuery[];
	/** The window the items describe (inclusive); no end = up to now. */
	window: { startMs: number; endMs?: number };
	/** Filters → Awaiting Reply. */
	awaitingOnly: boolean;
	/** No dates given: messages without a time are kept, as every list read without dates keeps them. */
	untimed: 'include' | 'exclude';
	/** Conversations; undefined = Return All. */
	limit?: number;
	businessNumber?: string;
}

/** Filters → Awaiting Reply: a boolean, or its text from an expression or an AI agent. */
export function isOn(value: unknown): boolean {
	return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

/**
 * The window of List Conversations: the user's dates; without Received After, the DEFAULT_WINDOW_DAYS before
 * Received Before (or before now).
 */
export function conversationWindow(dates: { startMs?: number; endMs?: number }, now: number): { startMs: number; endMs?: number } {
	return { startMs: dates.startMs ?? (dates.endMs ?? now) - DEFAULT_WINDOW_DAYS * DAY_MS, endMs: dates.endMs };
}

export function readConversationRequest(ctx: HostContext, adapter: ProviderAdapter, itemIndex: number, now = Date.now()): ConversationRequest {
	const node = ctx.getNode();
	const required = adapter.required.listConversations;
	const business = String(ctx.getNodeParameter('businessNumber', itemIndex, '') ?? '').trim();
	if (required.includes('businessNumber')) requireValue(node, business, 'businessNumber', itemIndex);
	const businessNumber = business ? parsePhone(node, business, 'businessNumber', itemIndex) : undefined;

	const filters = (ctx.getNodeParameter('filters', itemIndex, {}) ?? {}) as IDataObject;
	const dates = readDateRange(ctx, filters, itemIndex);
	const window = conversationWindow(dates, now);
	const awaitingOnly = isOn(filters.awaitingReply);
	const limit = readLimit(ctx, itemIndex);

	// With Awaiting Reply, the history after Received Before is read too: a reply sent since ends the wait.
	const base: ListQuery = { businessNumber, startMs: window.startMs, endMs: awaitingOnly ? undefined : window.endMs };
	let reads: ListQuery[] = [base];
	if (required.includes('contactNumbers')) {
		const contacts = parsePhoneList(node, ctx.getNodeParameter('contactNumbers', itemIndex, ''), 'contactNumbers', itemIndex);
		if (!contacts.length) {
			throw inputError(
				node,
				`The parameter ${parameterLabel('contactNumbers')} is required: ${adapter.displayName} lists history one contact at a time`,
				itemIndex,
				'List the contacts whose conversations to read, comma-separated, each with the country code.',
			);
		}
		reads = contacts.map((contactNumber) => ({ ...base, contactNumber }));
	}
	const noDates = dates.startMs === undefined && dates.endMs === undefined;
	return { reads, window, awaitingOnly, untimed: noDates ? 'include' : 'exclude', limit, businessNumber };
}

/**
 * Reads every history of the request into the aggregator, page by page. Several reads (DoubleTick's contacts)
 * run side by side, up to Max Concurrent Requests, each on its own client of the same run (one budget, one 429
 * pause); a failing read stops the others from starting new ones and its error is the run's.
 */
async function readInto(
	api: ApiClient,
	adapter: ProviderAdapter,
	request: ConversationRequest,
	options: RunOptions,
	aggregator: ConversationAggregator,
): Promise<void> {
	const endMs = request.window.endMs;
	const lanes = Math.max(1, Math.min(request.reads.length, Math.floor(options.concurrency)));
	const perRead = request.reads.length > 1 ? 1 : options.concurrency;
	let next = 0;
	let failure: { error: unknown } | undefined;
	const lane = async (client: ApiClient): Promise<void> => {
		while (!failure && next < request.reads.length) {
			const query = request.reads[next++];
			try {
				for await (const page of paginatePages(client, adapter, query, { concurrency: perRead, includeRaw: options.includeRaw, untimed: request.untimed })) {
					for (const m of page) {
						const ms = millisOf(m.timestamp);
						if (endMs !== undefined && ms !== null && ms > endMs) aggregator.markRepliedAfterWindow(m);
						else aggregator.add(m);
					}
					if (failure) return;
				}
			} catch (error) {
				failure ??= { error };
				return;
			}
		}
	};
	const clients = Array.from({ length: lanes }, (_, k) => (k === 0 ? api : new ApiClient(api.ctx, api.rules, api.run, api.retry, api.itemIndex)));
	await Promise.all(clients.map(lane));
	if (failure) throw failure.error;
}

/**
 * List Conversations: one item per conversation with messages in the window, newest activity first. The whole
 * window is read (the counts cover it); only per-conversation aggregates are kept; Limit counts conversations.
 */
export function prepareListConversations(ctx: HostContext, adapter: ProviderAdapter, itemIndex: number): PreparedOperation {
	const request = readConversationRequest(ctx, adapter, itemIndex);
	return async (api, options): Promise<OperationResult> => {
		const aggregator = new ConversationAggregator(adapter.id, request.businessNumber);
		await readInto(api, adapter, request, options, aggregator);
		const conversations = request.awaitingOnly ? aggregator.waiting() : aggregator.items();
		return { json: request.limit === undefined ? conversations : conversations.slice(0, request.limit) };
	};
}
