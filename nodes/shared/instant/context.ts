import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { createClient } from '../transport/client';
import type { ApiClient } from '../transport/http';
import { readOptions } from '../input';
import type { ProviderAdapter } from '../provider';
import type { InstantState } from './types';

/** The contexts an instant trigger runs in: registration hooks and deliveries. */
export type InstantContext = IHookFunctions | IWebhookFunctions;

export function instantState(ctx: InstantContext): InstantState {
	return ctx.getWorkflowStaticData('node') as InstantState;
}

/**
 * An API client for one hook call or one delivery (its own run: budget, credential, deadlines). The registration's
 * secrets are scrubbed from every provider text like the credential's values.
 */
export function instantClient(ctx: InstantContext, adapter: ProviderAdapter, ...secrets: Array<string | undefined>): ApiClient {
	const client = createClient(ctx, adapter, readOptions(ctx, 0));
	for (const secret of secrets) if (secret) client.run.protect(secret);
	return client;
}
