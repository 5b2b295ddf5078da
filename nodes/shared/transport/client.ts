import { RequestBudget } from './budget';
import { ApiClient, DEFAULT_RETRY } from './http';
import type { RunOptions } from '../input';
import type { ProviderAdapter } from '../provider';
import { RunState } from './run';
import type { HostContext } from '../types';

/**
 * The state one node execution (or one trigger poll) shares: credential, rate budget, 429 pause and the
 * provider's rate discovery. The user's Requests Per Minute (from the first item's options: it is a
 * per-execution budget) wins over the provider's documented limit.
 */
export function createRun(ctx: HostContext, adapter: ProviderAdapter, options: RunOptions): RunState {
	const userRate = options.requestsPerMinute > 0;
	const run = new RunState(ctx, adapter.transport.credentialType, new RequestBudget(userRate ? options.requestsPerMinute : adapter.requestsPerMinute));
	const discover = adapter.discoverRequestsPerMinute;
	if (!userRate && discover) {
		// The lookup itself is a request of this run (a client of its own, so it shares the budget and credential).
		const api = new ApiClient(ctx, adapter.transport, run, { ...DEFAULT_RETRY, maxRetries: options.maxRetries, timeoutMs: options.timeoutMs });
		run.setRateDiscovery(async () => await discover.call(adapter, api));
	}
	return run;
}

/** The API client of one input item (or one poll), on the execution's shared run. */
export function createClient(ctx: HostContext, adapter: ProviderAdapter, options: RunOptions, run?: RunState, itemIndex?: number): ApiClient {
	return new ApiClient(
		ctx,
		adapter.transport,
		run ?? createRun(ctx, adapter, options),
		{ ...DEFAULT_RETRY, maxRetries: options.maxRetries, timeoutMs: options.timeoutMs },
		itemIndex,
	);
}
