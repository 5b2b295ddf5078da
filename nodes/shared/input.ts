import type { IDataObject, INode } from 'n8n-workflow';

import { parseDate } from './dates';
import { inputError, parameterLabel } from './errors';
import { parsePhone } from './phone';
import type { Operation, ProviderAdapter } from './provider';
import type { Direction, HostContext, ListQuery, MessageLookup, TriggerContext } from './types';

/** Options → Output Format: one item per message, one transcript item, or (Get Many) one transcript per contact. */
export type OutputFormat = 'messages' | 'transcript' | 'transcriptPerContact';
const OUTPUT_FORMATS: readonly string[] = ['messages', 'transcript', 'transcriptPerContact'];

export interface RunOptions {
	includeRaw: boolean;
	downloadMedia: boolean;
	binaryPropertyName: string;
	maxMediaBytes: number;
	concurrency: number;
	maxRetries: number;
	requestsPerMinute: number;
	/** Total deadline of one try of one request (connect, headers and the whole body). */
	timeoutMs: number;
	/** `undefined` when the user did not choose: messages, or a transcript when the node runs as an AI tool. */
	outputFormat?: OutputFormat;
	/** 0 = no limit. */
	maxTranscriptLength: number;
}

/** getNodeParameter of an action node (per item) or a trigger (no items). */
export function nodeParameter(ctx: HostContext, name: string, itemIndex: number, fallback: unknown): unknown {
	if ('getInputData' in ctx) return ctx.getNodeParameter(name, itemIndex, fallback);
	return (ctx as TriggerContext).getNodeParameter(name, fallback as never);
}

export function readOptions(ctx: HostContext, itemIndex: number): RunOptions {
	const o = (nodeParameter(ctx, 'options', itemIndex, {}) ?? {}) as IDataObject;
	const node = ctx.getNode();
	const number = (name: string, fallback: number, min: number): number => {
		const v = o[name] === undefined || o[name] === '' ? fallback : Number(o[name]);
		if (!Number.isFinite(v) || v < min) throw inputError(node, `Invalid value for option "${name}": ${String(o[name])}`, itemIndex);
		return v;
	};
	const maxMediaMb = number('maxMediaSize', 25, 0);
	return {
		includeRaw: o.includeRaw === true,
		downloadMedia: o.downloadMedia === true,
		binaryPropertyName: String(o.binaryPropertyName || 'data'),
		maxMediaBytes: maxMediaMb === 0 ? Number.MAX_SAFE_INTEGER : Math.round(maxMediaMb * 1024 * 1024),
		concurrency: Math.floor(number('maxConcurrentRequests', 4, 1)),
		maxRetries: Math.floor(number('maxRetries', 5, 0)),
		requestsPerMinute: number('requestsPerMinute', 0, 0),
		timeoutMs: Math.round(number('timeout', 60, 0.001) * 1000),
		outputFormat: outputFormat(node, o.outputFormat, itemIndex),
		maxTranscriptLength: Math.floor(number('maxTranscriptLength', 0, 0)),
	};
}

function outputFormat(node: INode, value: unknown, itemIndex: number): RunOptions['outputFormat'] {
	if (value === undefined || value === '') return undefined;
	if (OUTPUT_FORMATS.includes(String(value))) return value as OutputFormat;
	throw inputError(
		node,
		`Invalid value for option "Output Format" (outputFormat): "${String(value)}" (use messages, transcript or transcriptPerContact)`,
		itemIndex,
	);
}

function text(ctx: HostContext, name: string, itemIndex: number): string {
	const v = ctx.getNodeParameter(name, itemIndex, '');
	return v === undefined || v === null ? '' : String(v).trim();
}

export function requireValue(node: INode, value: string | undefined, parameter: string, itemIndex?: number): void {
	if (!value) throw inputError(node, `The parameter ${parameterLabel(parameter)} is required`, itemIndex);
}

/** The workflow's timezone (UTC where the context has none). */
export function timezone(ctx: HostContext): string {
	try {
		return ctx.getTimezone() || 'UTC';
	} catch {
		return 'UTC';
	}
}

/** Reads the contact/date/direction parameters of a list operation; validates everything before any request. */
export function readListQuery(ctx: HostContext, adapter: ProviderAdapter, op: Operation, itemIndex: number): ListQuery {
	const node = ctx.getNode();
	const required = adapter.required[op];
	const filters = (ctx.getNodeParameter('filters', itemIndex, {}) ?? {}) as IDataObject;
	const query: ListQuery = {};

	const business = text(ctx, 'businessNumber', itemIndex);
	if (required.includes('businessNumber')) requireValue(node, business, 'businessNumber', itemIndex);
	if (business) query.businessNumber = parsePhone(node, business, 'businessNumber', itemIndex);

	if (op === 'getAll') {
		const contact = String(filters.contactNumber ?? '').trim();
		if (required.includes('filters.contactNumber')) requireValue(node, contact, 'filters.contactNumber', itemIndex);
		if (contact) query.contactNumber = parsePhone(node, contact, 'filters.contactNumber', itemIndex);
	} else {
		const contact = text(ctx, 'contactNumber', itemIndex);
		if (required.includes('contactNumber')) requireValue(node, contact, 'contactNumber', itemIndex);
		if (contact) query.contactNumber = parsePhone(node, contact, 'contactNumber', itemIndex);
	}

	Object.assign(query, readDateRange(ctx, filters, itemIndex));
	const direction = String(filters.direction ?? '');
	if (direction) {
		if (direction !== 'inbound' && direction !== 'outbound') {
			throw inputError(node, `Invalid value for ${parameterLabel('filters.direction')}: "${direction}" (use inbound or outbound)`, itemIndex);
		}
		query.direction = direction as Direction;
	}
	return query;
}

/** Filters → Received After / Received Before as epoch ms (inclusive); the end must not be before the start. */
export function readDateRange(ctx: HostContext, filters: IDataObject, itemIndex: number): { startMs?: number; endMs?: number } {
	const node = ctx.getNode();
	const tz = timezone(ctx);
	const startMs = parseDate(node, filters.startDate, 'filters.startDate', tz, itemIndex);
	const endMs = parseDate(node, filters.endDate, 'filters.endDate', tz, itemIndex);
	if (startMs !== undefined && endMs !== undefined && endMs < startMs) {
		throw inputError(node, `The parameter ${parameterLabel('filters.endDate')} is before ${parameterLabel('filters.startDate')}`, itemIndex);
	}
	return { startMs, endMs };
}

/** `undefined` means Return All. */
export function readLimit(ctx: HostContext, itemIndex: number): number | undefined {
	if (ctx.getNodeParameter('returnAll', itemIndex, false) === true) return undefined;
	const raw = ctx.getNodeParameter('limit', itemIndex, 50);
	const limit = Number(raw);
	if (!Number.isInteger(limit) || limit < 1) {
		throw inputError(ctx.getNode(), `Invalid value for ${parameterLabel('limit')}: ${String(raw)} (use a whole number of 1 or more)`, itemIndex);
	}
	return limit;
}

export function readLookup(ctx: HostContext, adapter: ProviderAdapter, itemIndex: number): { lookup: MessageLookup; query: ListQuery } {
	const node = ctx.getNode();
	const messageId = text(ctx, 'messageId', itemIndex);
	requireValue(node, messageId, 'messageId', itemIndex);
	const lookup: MessageLookup = { messageId };
	if (adapter.required.getMessage.includes('sessionKey') || adapter.fetchMessage) {
		const sessionKey = text(ctx, 'sessionKey', itemIndex);
		if (adapter.required.getMessage.includes('sessionKey')) requireValue(node, sessionKey, 'sessionKey', itemIndex);
		if (sessionKey) lookup.sessionKey = sessionKey;
	}
	const query = readListQuery(ctx, adapter, 'getMessage', itemIndex);
	delete query.direction;
	lookup.businessNumber = query.businessNumber;
	lookup.contactNumber = query.contactNumber;
	return { lookup, query };
}
