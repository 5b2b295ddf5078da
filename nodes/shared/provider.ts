import type { ApiClient, TransportRules } from './transport/http';
import type { ListQuery, MessageLookup, NormalizedMessage, ProviderId } from './types';

export type Operation = 'getConversation' | 'getMessage' | 'getAll' | 'listConversations';

/** How a provider pages its history. */
export type PageStyle =
	/** Page numbers starting at `first`, `size` items per full page, newest first. */
	| { kind: 'pages'; first: number; size: number }
	/** An opaque cursor from each reply, newest first; `size` is what we ask for per page. */
	| { kind: 'cursor'; size: number }
	/** No paging: the history is read date window by date window, `days` long, newest window first. */
	| { kind: 'windows'; days: number };

export type PageRef =
	| { kind: 'pages'; page: number }
	| { kind: 'cursor'; cursor?: string; size: number }
	| { kind: 'windows'; startMs: number; endMs: number };

export interface Page {
	items: unknown[];
	/** Cursor style: the cursor of the next page; null or absent at the end. */
	next?: string | null;
}

/** Parameters whose value the adapter asks for, as named in the contract (`filters.contactNumber` etc.). */
export type RequiredParameters = Record<Operation, string[]>;

/**
 * Everything the shared core needs to know about one provider. A new provider is one folder that exports
 * one of these; the core does not change.
 */
export interface ProviderAdapter {
	id: ProviderId;
	displayName: string;
	transport: TransportRules;
	pageStyle: PageStyle;
	/** The documented rate limit; 0 when none is documented. */
	requestsPerMinute: number;
	/** Reads the account's real limit, once, when a run is about to exceed the default budget. */
	discoverRequestsPerMinute?(api: ApiClient): Promise<number | undefined>;
	/** Filters the API applies itself; the core applies the others (and re-checks all). */
	serverFilters: Array<'business' | 'contact' | 'direction' | 'dates'>;
	required: RequiredParameters;
	/** Where the API needs a date range and the user gives none, the range is this many days back from now. */
	defaultRangeDays?: number;
	listPage(api: ApiClient, query: ListQuery, ref: PageRef): Promise<Page>;
	/** Absent when the provider has no single-message endpoint: the core then scans the history. */
	fetchMessage?(api: ApiClient, lookup: MessageLookup): Promise<unknown | undefined>;
	/** Pure: one raw provider object → the normalized item (without `raw`). */
	toMessage(raw: unknown, query: ListQuery): NormalizedMessage;
}
