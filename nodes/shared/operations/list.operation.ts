import type { ApiClient } from '../http';
import { readLimit, readListQuery } from '../input';
import type { RunOptions } from '../input';
import { paginatePages } from '../paginate';
import type { ProviderAdapter } from '../provider';
import type { HostContext, NormalizedMessage } from '../types';

/** Get Conversation and Get All (paginate): the same engine, different required parameters. */
export function prepareList(ctx: HostContext, adapter: ProviderAdapter, op: 'getConversation' | 'getAll', itemIndex: number) {
	const query = readListQuery(ctx, adapter, op, itemIndex);
	const limit = readLimit(ctx, itemIndex);
	return async (api: ApiClient, options: RunOptions): Promise<NormalizedMessage[]> => {
		const out: NormalizedMessage[] = [];
		for await (const page of paginatePages(api, adapter, query, { limit, concurrency: options.concurrency, includeRaw: options.includeRaw })) {
			for (const m of page) out.push(m);
		}
		return out;
	};
}
