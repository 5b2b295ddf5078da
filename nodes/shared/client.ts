import { RequestBudget } from './budget';
import { ApiClient, DEFAULT_RETRY } from './http';
import type { RunOptions } from './input';
import type { ProviderAdapter } from './provider';
import type { HostContext } from './types';

/** The API client of one run: the user's Requests Per Minute wins over the provider's documented limit. */
export function createClient(ctx: HostContext, adapter: ProviderAdapter, options: RunOptions, budget?: RequestBudget, itemIndex?: number): ApiClient {
	const userRate = options.requestsPerMinute > 0;
	const api = new ApiClient(
		ctx,
		adapter.transport,
		budget ?? new RequestBudget(userRate ? options.requestsPerMinute : adapter.requestsPerMinute),
		{ ...DEFAULT_RETRY, maxRetries: options.maxRetries, timeoutMs: options.timeoutMs },
		itemIndex,
	);
	if (!userRate && adapter.discoverRequestsPerMinute) api.discoverRate = adapter.discoverRequestsPerMinute.bind(adapter);
	return api;
}
