import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { toItems } from '../actions/router';
import { createClient } from '../transport/client';
import type { ApiClient } from '../transport/http';
import { readOptions } from '../input';
import type { RunOptions } from '../input';
import { matchesQuery } from '../history/query';
import type { ListQuery, NormalizedMessage } from '../types';
import { presentedSecret, sameSecret } from './authenticate';
import { catchUpCandidates, CLOCK_SKEW_MS, GAP_CHECK_MS, readSince } from './catchUp';
import { instantState } from './context';
import { deliveredMessages, filterQuery } from './deliveries';
import { byTimeThenOrder, Ledger, PROCESS } from './ledger';
import type { Found } from './ledger';
import type { InstantState, StoredRegistration, WebhookAdapter } from './types';

const NOTHING: IWebhookResponseData = { webhookResponse: 'OK' };

/** The registration whose secret the request presents; undefined when it presents none or a wrong one. */
function authenticated(ctx: IWebhookFunctions, wa: WebhookAdapter, s: InstantState): StoredRegistration | undefined {
	const stored = ctx.getMode() === 'manual' ? s.test : s.live;
	return stored?.secret && sameSecret(presentedSecret(ctx, wa.secret), stored.secret) ? stored : undefined;
}

function refused(ctx: IWebhookFunctions): IWebhookResponseData {
	ctx.getResponseObject().status(403).json({ message: 'Provided secret is not valid' });
	return { noWebhookResponse: true };
}

/**
 * A delivery handled before by another process: this one started since. One resume per process, so concurrent
 * deliveries of this process share its catch-up (same cause).
 */
function noticeRestart(ctx: IWebhookFunctions, s: InstantState): void {
	if (ctx.getMode() === 'manual' || s.process === PROCESS) return;
	if (s.process !== undefined && s.resume !== true) {
		s.resume = true;
		s.resumeId = `process-${PROCESS}`;
	}
	s.process = PROCESS;
}

/** The provider gets its answer now when more work follows (history reads, downloads): some give up after 5 s. */
function answerEarly(ctx: IWebhookFunctions, moreWork: boolean): boolean {
	if (moreWork) ctx.getResponseObject().status(200).json({ received: true });
	return moreWork;
}

/** The history since the cursor, with what it may emit; undefined when another request of this process ran it. */
async function catchUp(wa: WebhookAdapter, ledger: Ledger, cause: string, delivered: NormalizedMessage[], filters: ListQuery, client: ApiClient, options: RunOptions): Promise<Found | undefined> {
	const cursorMs = ledger.cursorMs as number;
	const from = cursorMs - CLOCK_SKEW_MS;
	return await ledger.catchUp(cause, async () => {
		const history = await readSince(client, wa, filters, from, ledger.contactsWith(delivered), options.includeRaw);
		return { candidates: catchUpCandidates(history, delivered, from, cursorMs), seen: [...delivered, ...history] };
	});
}

async function emit(messages: NormalizedMessage[], client: ApiClient, options: RunOptions, answered: boolean): Promise<IWebhookResponseData> {
	if (!messages.length) return answered ? { noWebhookResponse: true } : NOTHING;
	const items: INodeExecutionData[] = await toItems(byTimeThenOrder(messages), client, options);
	return answered ? { noWebhookResponse: true, workflowData: [items] } : { workflowData: [items] };
}

/**
 * `webhook()`, as a pipeline: the secret (403 and no execution when wrong); the delivered messages (status events and
 * other events answer 200 and start nothing); the ledger (duplicates and filtered-out messages start nothing); a
 * catch-up from the history after downtime or a long silence (answering the provider first); then one execution
 * with the normalized items, oldest first, each message once.
 */
export async function receive(this: IWebhookFunctions, wa: WebhookAdapter): Promise<IWebhookResponseData> {
	const s = instantState(this);
	const registration = authenticated(this, wa, s);
	if (!registration) return refused(this);
	noticeRestart(this, s);
	const options = readOptions(this, 0);
	const delivered = deliveredMessages(this, wa, registration, options.includeRaw);
	if (!delivered.length) return NOTHING;

	const manual = this.getMode() === 'manual';
	const ledger = Ledger.open(this, s, wa, registration.secret, manual);
	const catchUpOn = (this.getNodeParameter('options', {}) as IDataObject).catchUp !== false;
	const filters = filterQuery(this, registration.businessNumber);
	const wanted = (m: NormalizedMessage) => matchesQuery(m, filters);
	const cause = ledger.dueCatchUp(Date.now(), catchUpOn, GAP_CHECK_MS);
	if (!cause && !delivered.some((m) => !ledger.known(m.id) && wanted(m))) {
		ledger.record(delivered);
		return NOTHING;
	}

	const client = createClient(this, wa.history, options);
	const answered = answerEarly(this, cause !== undefined || options.downloadMedia);
	let found: Found | undefined;
	let failed = false;
	if (cause) {
		try {
			found = await catchUp(wa, ledger, cause, delivered, filters, client, options);
		} catch (error) {
			// The delivered messages still go out; the gap is read again at the next delivery.
			failed = true;
			this.logger.error(`${wa.history.displayName} instant trigger: catching up from the history failed, retried at the next delivery: ${(error as Error).message}`, {
				node: this.getNode().name,
			});
		}
	}
	const messages = ledger.take(found?.candidates ?? delivered, found?.seen ?? delivered, wanted, !failed);
	if (manual && !messages.length) return NOTHING;
	return await emit(messages, client, options, answered);
}
