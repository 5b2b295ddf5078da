import { createHash } from 'crypto';
import { NodeApiError } from 'n8n-workflow';
import type { IWebhookFunctions } from 'n8n-workflow';

import { millisOf } from '../dates';
import { asNodeError } from '../errors';
import { paginate } from '../history/paginate';
import type { ApiClient } from '../transport/http';
import type { ListQuery, NormalizedMessage } from '../types';
import type { StoredRegistration, WebhookAdapter } from './types';

/** How far back of a delivered message's own time the history is scanned for it (providers and clocks differ). */
const CONFIRM_LOOKBACK_MS = 10 * 60_000;
/** Pages of one contact's history scanned for one message (newest first: a fresh message is on the first). */
const CONFIRM_MAX_PAGES = 3;

const warned = new Set<string>();

/** One warning per registration and process: the provider calls the URL without the query string we registered. */
export function warnDroppedToken(ctx: IWebhookFunctions, wa: WebhookAdapter, stored: StoredRegistration): void {
	const key = `${ctx.getWorkflow().id ?? ''}/${ctx.getNode().id}/${createHash('sha256').update(stored.secret).digest('hex')}`;
	if (warned.has(key)) return;
	warned.add(key);
	if (warned.size > 10_000) warned.clear();
	ctx.logger.warn(
		`${wa.history.displayName} instant trigger: ${wa.history.displayName} called the webhook URL without the token in its query string; ` +
			'each such delivery is emitted only after its message is read back from the history (same id, same contact), others are refused',
		{ node: ctx.getNode().name },
	);
}

async function viaSingleRead(client: ApiClient, wa: WebhookAdapter, m: NormalizedMessage, query: ListQuery): Promise<NormalizedMessage | undefined> {
	const adapter = wa.history;
	try {
		const raw = await adapter.fetchMessage?.(client, {
			messageId: m.id as string,
			sessionKey: m.conversationId ?? undefined,
			businessNumber: query.businessNumber,
			contactNumber: m.contactNumber,
		});
		if (raw === undefined) return undefined;
		const found = adapter.toMessage(raw, query);
		found.raw = raw;
		return found;
	} catch (error) {
		if (error instanceof NodeApiError && error.httpCode === '404') return undefined;
		throw asNodeError(client.node, error);
	}
}

async function viaScan(client: ApiClient, wa: WebhookAdapter, m: NormalizedMessage, query: ListQuery): Promise<NormalizedMessage | undefined> {
	const t = millisOf(m.timestamp);
	const scan: ListQuery = { ...query, contactNumber: m.contactNumber };
	if (t !== null) scan.startMs = t - CONFIRM_LOOKBACK_MS;
	for await (const found of paginate(client, wa.history, scan, { concurrency: 1, includeRaw: true, maxPages: CONFIRM_MAX_PAGES })) {
		if (found.id === m.id) return found;
	}
	return undefined;
}

/**
 * The delivered messages the provider's history confirms (same id, same contact), as the history has them: a
 * delivery without its token cannot be told from a forged one, so only what the provider itself stored is emitted.
 * A message without an id or a contact cannot be confirmed.
 */
export async function confirmFromHistory(
	client: ApiClient,
	wa: WebhookAdapter,
	stored: StoredRegistration,
	delivered: NormalizedMessage[],
	includeRaw: boolean,
): Promise<NormalizedMessage[]> {
	const query: ListQuery = { businessNumber: stored.businessNumber };
	const confirmed: NormalizedMessage[] = [];
	for (const m of delivered) {
		if (m.id === null || !m.contactNumber) continue;
		const canReadOne = !!wa.history.fetchMessage && (!wa.history.required.getMessage.includes('sessionKey') || !!m.conversationId);
		const found = (canReadOne ? await viaSingleRead(client, wa, m, query) : undefined) ?? (await viaScan(client, wa, m, query));
		if (!found || found.id !== m.id || found.contactNumber !== m.contactNumber) continue;
		if (!includeRaw) delete found.raw;
		confirmed.push(found);
	}
	return confirmed;
}
