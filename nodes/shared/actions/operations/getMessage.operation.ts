import { NodeApiError } from 'n8n-workflow';

import type { ApiClient } from '../../transport/http';
import { asNodeError, notFoundError } from '../../errors';
import { readLookup } from '../../input';
import type { RunOptions } from '../../input';
import { paginate } from '../../history/paginate';
import type { ProviderAdapter } from '../../provider';
import type { HostContext, NormalizedMessage } from '../../types';

/**
 * Get Message: the provider's single-message endpoint where it has one; otherwise a scan of the history
 * (within the given business number, contact and dates) that stops at the first page holding the id.
 */
export function prepareGetMessage(ctx: HostContext, adapter: ProviderAdapter, itemIndex: number) {
	const { lookup, query } = readLookup(ctx, adapter, itemIndex);
	return async (api: ApiClient, options: RunOptions): Promise<NormalizedMessage[]> => {
		if (adapter.fetchMessage) {
			let raw: unknown;
			try {
				raw = await adapter.fetchMessage(api, lookup);
			} catch (error) {
				if (error instanceof NodeApiError && error.httpCode === '404') {
					throw notFoundError(api.node, lookup.messageId, error.description ?? undefined, itemIndex);
				}
				throw asNodeError(api.node, error, itemIndex);
			}
			if (raw === undefined) throw notFoundError(api.node, lookup.messageId, undefined, itemIndex);
			const m = adapter.toMessage(raw, query);
			if (options.includeRaw) m.raw = raw;
			return [m];
		}
		for await (const m of paginate(api, adapter, query, { concurrency: options.concurrency, includeRaw: options.includeRaw })) {
			if (m.id === lookup.messageId) return [m];
		}
		throw notFoundError(
			api.node,
			lookup.messageId,
			`No message with this ID in the scanned history of ${adapter.displayName}`,
			itemIndex,
		);
	};
}
