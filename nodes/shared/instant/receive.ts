import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { toItems } from '../actions/router';
import { createClient } from '../transport/client';
import type { ApiClient } from '../transport/http';
import { readOptions } from '../input';
import type { RunOptions } from '../input';
import { eventMatches } from '../history/query';
import type { ListQuery, NormalizedMessage } from '../types';
import { authenticity } from './authenticate';
import type { Authenticity } from './authenticate';
import { confirmFromHistory, warnDroppedToken } from './confirm';
import { DEFAULT_GAP_CHECK_MINUTES, readSince } from './catchUp';
import { instantState } from './context';
import { deliveredMessages, filterQuery } from './deliveries';
import { byTimeThenOrder, Ledger, PROCESS, WAITED } from './ledger';
import { emitBursts, takesOver } from './quiet';
import type { InstantState, StoredRegistration, WebhookAdapter } from './types';

const NOTHING: IWebhookResponseData = { webhookResponse: 'OK' };

/**
 * The registration of this request (production or test) and how the request stands against its secret; undefined
 * when it presents a wrong one (or none where the provider always sends it).
 */
function authenticated(ctx: IWebhookFunctions, wa: WebhookAdapter, s: InstantState): { registration: StoredRegistration; authentic: Exclude<Authenticity, 'invalid'> } | undefined {
	const registration = ctx.getMode() === 'manual' ? s.test : s.live;
	const authentic = authenticity(ctx, wa, registration?.secret);
	return registration && authentic !== 'invalid' ? { registration, authentic } : undefined;
}

function refused(ctx: IWebhookFunctions, message = 'Provided secret is not valid', status = 403): IWebhookResponseData {
	ctx.getResponseObject().status(status).json({ message });
	return { noWebhookResponse: true };
}

/**
 * A delivery without any token (a provider that drops the URL's query string): only the messages the provider's
 * history confirms go on, as the history has them; none → 403. A failed read answers 503: the provider may retry,
 * and the gap check recovers the message otherwise.
 */
async function confirmed(
	ctx: IWebhookFunctions,
	wa: WebhookAdapter,
	registration: StoredRegistration,
	delivered: NormalizedMessage[],
	client: ApiClient,
	options: RunOptions,
): Promise<NormalizedMessage[] | IWebhookResponseData> {
	warnDroppedToken(ctx, wa, registration);
	let found: NormalizedMessage[];
	try {
		found = await confirmFromHistory(client, wa, registration, delivered, options.includeRaw);
	} catch (error) {
		ctx.logger.warn(`${wa.history.displayName} instant trigger: could not read a delivery without its token back from the history: ${(error as Error).message}`, {
			node: ctx.getNode().name,
		});
		return refused(ctx, 'The delivery could not be confirmed; try again later', 503);
	}
	return found.length ? found : refused(ctx, 'The delivery carries no token and its message is not in the history');
}

/** The n8n processes that handled deliveries lately (several webhook processes take turns behind a load balancer). */
const MAX_PROCESSES = 8;

/**
 * A delivery handled by a process the trigger has not seen before: n8n was restarted (a new process), or another
 * webhook process joined. Either way the trigger may have missed deliveries: one resume per process, so concurrent
 * deliveries of this process share its catch-up (same cause). Processes taking turns do not resume again.
 */
function noticeRestart(ctx: IWebhookFunctions, s: InstantState): void {
	if (ctx.getMode() === 'manual') return;
	const known = s.processes ?? (s.process !== undefined ? [s.process] : undefined);
	if (known?.includes(PROCESS)) return;
	if (known !== undefined && s.resume !== true) {
		s.resume = true;
		s.resumeId = `process-${PROCESS}`;
	}
	s.processes = [...(known ?? []), PROCESS].slice(-MAX_PROCESSES);
	if (s.process !== undefined) delete s.process;
}

/** What the node's parameters ask of a delivery. */
interface Settings {
	options: RunOptions;
	catchUp: boolean;
	gapCheckMs: number;
	filters: ListQuery;
	wanted: (m: NormalizedMessage) => boolean;
}

function readSettings(ctx: IWebhookFunctions, registration: StoredRegistration): Settings {
	const raw = (ctx.getNodeParameter('options', {}) ?? {}) as IDataObject;
	const minutes = Number(raw.gapCheckMinutes ?? DEFAULT_GAP_CHECK_MINUTES);
	const filters = filterQuery(ctx, registration.businessNumber);
	return {
		options: readOptions(ctx, 0),
		catchUp: raw.catchUp !== false,
		gapCheckMs: (Number.isFinite(minutes) && minutes >= 0 ? minutes : DEFAULT_GAP_CHECK_MINUTES) * 60_000,
		filters,
		wanted: (m) => eventMatches(m, filters),
	};
}

/** The provider gets its answer now when more work follows (history reads, downloads): some give up after 5 s. */
function answerEarly(ctx: IWebhookFunctions, moreWork: boolean): boolean {
	if (moreWork) ctx.getResponseObject().status(200).json({ received: true });
	return moreWork;
}

/**
 * The messages to emit: with a catch-up due, the missed ones from the history (oldest first, a bounded batch) and
 * the delivered ones; otherwise the delivered ones not emitted before. A failed history read still lets the
 * delivered messages out (the gap is read again at the next delivery).
 */
async function collect(
	ctx: IWebhookFunctions,
	wa: WebhookAdapter,
	ledger: Ledger,
	delivered: NormalizedMessage[],
	settings: Settings,
	client: ApiClient,
	record: boolean,
): Promise<NormalizedMessage[]> {
	const name = wa.history.displayName;
	const read = async (fromMs: number) =>
		await readSince(client, wa, settings.filters, fromMs, ledger.contactsWith(delivered), settings.options);
	for (let cause = ledger.dueCatchUp(Date.now(), settings.catchUp, settings.gapCheckMs); cause; cause = ledger.dueCatchUp(Date.now(), settings.catchUp, settings.gapCheckMs)) {
		let outcome: Awaited<ReturnType<Ledger['catchUp']>>;
		try {
			outcome = await ledger.catchUp(cause, read, delivered, settings.wanted, record);
		} catch (error) {
			ctx.logger.error(`${name} instant trigger: catching up from the history failed, retried at the next delivery: ${(error as Error).message}`, {
				node: ctx.getNode().name,
			});
			break;
		}
		// Another delivery of this process ran that catch-up: perhaps the next part of a backlog is due now.
		if (outcome === WAITED) continue;
		if (outcome.pending > 0) {
			ctx.logger.warn(`${name} instant trigger: caught up ${outcome.emit.length} messages, oldest first; ${outcome.pending} more missed messages are pending and follow with the next delivery`, {
				node: ctx.getNode().name,
			});
		}
		return outcome.emit;
	}
	return ledger.takeDelivered(delivered, settings.wanted, record);
}

/** The one execution of this delivery: the final messages, oldest first (none: no execution). */
async function emit(messages: NormalizedMessage[], client: ApiClient, options: RunOptions, answered: boolean): Promise<IWebhookResponseData> {
	if (!messages.length) return answered ? { noWebhookResponse: true } : NOTHING;
	const items: INodeExecutionData[] = await toItems(byTimeThenOrder(messages), client, options);
	return answered ? { noWebhookResponse: true, workflowData: [items] } : { workflowData: [items] };
}

/**
 * `webhook()`, as a pipeline: the secret (403 and no execution when wrong); the delivered messages (status events and
 * other events answer 200 and start nothing); the ledger (duplicates and filtered-out messages start nothing); a
 * catch-up from the history after downtime, a backlog or the gap-check interval (answering the provider first); then
 * one execution with the normalized items, oldest first, each message once.
 */
export async function receive(this: IWebhookFunctions, wa: WebhookAdapter): Promise<IWebhookResponseData> {
	const s = instantState(this);
	const request = authenticated(this, wa, s);
	if (!request) return refused(this);
	const { registration } = request;
	noticeRestart(this, s);
	const settings = readSettings(this, registration);
	let delivered = deliveredMessages(this, wa, registration, settings.options.includeRaw);
	if (!delivered.length) return NOTHING;
	// One client (one credential read, one budget) for every request this delivery makes; it sends nothing until used.
	const client = createClient(this, wa.history, settings.options);
	client.run.protect(registration.secret);
	if (request.authentic === 'missing') {
		const checked = await confirmed(this, wa, registration, delivered, client, settings.options);
		if (!Array.isArray(checked)) return checked;
		delivered = checked;
	}

	const manual = this.getMode() === 'manual';
	const ledger = Ledger.open(this, s, wa, registration.secret, manual);
	try {
		const due = ledger.dueCatchUp(Date.now(), settings.catchUp, settings.gapCheckMs) !== undefined;
		if (!due && !delivered.some((m) => settings.wanted(m) && (m.id === null || manual || !ledger.known(m)))) return NOTHING;
		const answered = answerEarly(this, due || settings.options.downloadMedia);
		// Wait for Quiet holds the messages before they count as emitted: it records each contact's burst when it emits it.
		const holding = takesOver(this);
		const messages = await collect(this, wa, ledger, delivered, settings, client, !holding);
		if (holding) {
			return await emitBursts(this, {
				wa,
				client,
				options: settings.options,
				filters: settings.filters,
				wanted: settings.wanted,
				delivered,
				messages,
				answered,
				emitted: (m, fromHistory) => ledger.known(m, fromHistory),
				record: (emitted) => ledger.recordEmitted(emitted, delivered),
			});
		}
		if (manual && !messages.length) return NOTHING;
		return await emit(messages, client, settings.options, answered);
	} finally {
		ledger.commit();
		ledger.close();
	}
}
