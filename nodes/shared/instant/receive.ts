import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { toItems } from '../actions/router';
import { createClient } from '../transport/client';
import type { ApiClient } from '../transport/http';
import { readOptions } from '../input';
import type { RunOptions } from '../input';
import { matchesQuery } from '../history/paginate';
import type { NormalizedMessage } from '../types';
import { presentedSecret, sameSecret } from './authenticate';
import { catchUpCandidates, CLOCK_SKEW_MS, GAP_CHECK_MS, readSince } from './catchUp';
import { instantState } from './context';
import { deliveredMessages, filterQuery } from './deliveries';
import { at, byTimeThenOrder, memoryOf, PROCESS, remember } from './ledger';
import { cursorMayPass, emitBursts, takesOver } from './quiet';
import type { WebhookAdapter } from './types';

/**
 * `webhook()`: checks the secret (403 and no execution when wrong), keeps only new messages that match the
 * trigger (status events, other events, filtered-out messages and duplicates answer 200 and start nothing), catches
 * up from the history after downtime or a long silence (answering the provider first), and emits the normalized
 * items oldest first, each message once.
 */
export async function receive(this: IWebhookFunctions, wa: WebhookAdapter): Promise<IWebhookResponseData> {
	const s = instantState(this);
	const manual = this.getMode() === 'manual';
	const stored = manual ? s.test : s.live;
	const res = this.getResponseObject();
	if (!stored?.secret || !sameSecret(presentedSecret(this, wa.secret), stored.secret)) {
		res.status(403).json({ message: 'Provided secret is not valid' });
		return { noWebhookResponse: true };
	}
	if (!manual && s.process !== PROCESS) {
		// A delivery handled before by another process: this one started since. One resume per process, so concurrent
		// deliveries of this process share its catch-up (same cause).
		if (s.process !== undefined && s.resume !== true) {
			s.resume = true;
			s.resumeId = `process-${PROCESS}`;
		}
		s.process = PROCESS;
	}
	const adapter = wa.history;
	const options = readOptions(this, 0);
	const catchUp = (this.getNodeParameter('options', {}) as IDataObject).catchUp !== false;
	const filters = filterQuery(this, stored.businessNumber);
	const businessOnServer = false;

	const delivered = deliveredMessages(this, wa, stored, options.includeRaw);
	// Status updates and other events: 200, no execution.
	if (!delivered.length) return { webhookResponse: 'OK' };

	const mem = manual ? undefined : memoryOf(this, stored.secret);
	const recent = new Set(s.recent ?? []);
	const known = (id: string | null) => id !== null && !manual && (recent.has(id) || !!mem?.idSet.has(id));
	const now = Date.now();
	const cursorMs = s.cursor ? at(s.cursor) : undefined;
	// What asks for a catch-up: a start / re-activation (resume), or a long silence. Concurrent requests of this process
	// share one catch-up per cause (n8n gives each request its own copy of the static data, read without a lock).
	const cause = s.resume === true ? `resume:${s.resumeId ?? ''}` : !s.checkedAt || now - at(s.checkedAt) > GAP_CHECK_MS ? `gap:${s.checkedAt ?? ''}` : undefined;
	const needsCatchUp = !manual && catchUp && cursorMs !== undefined && cause !== undefined && !mem?.handled.has(cause);
	const running = needsCatchUp && cause ? mem?.claims.get(cause) : undefined;
	const wanted = (m: NormalizedMessage) => matchesQuery(m, filters, businessOnServer);
	if (!needsCatchUp && !delivered.some((m) => !known(m.id) && wanted(m))) {
		if (mem) remember(s, mem, delivered, wa, cursorMayPass(this, delivered)); // issue-20 hook: not past messages held for quiet
		return { webhookResponse: 'OK' };
	}

	const client = createClient(this, adapter, options);
	// The provider gets its answer now when more work follows (history reads, downloads): some give up after 5 s.
	let answered = false;
	if (needsCatchUp || options.downloadMedia) {
		res.status(200).json({ received: true });
		answered = true;
	}
	let candidates: NormalizedMessage[] = delivered;
	let seen = delivered;
	let failed = false;
	if (running) {
		// Another delivery of this process is catching up for the same cause: what it emits is not emitted again.
		await running;
	} else if (needsCatchUp && mem && cause) {
		let done = (): void => undefined;
		mem.claims.set(
			cause,
			new Promise<void>((resolve) => {
				done = resolve;
			}),
		);
		try {
			const contacts = [...new Set([...(s.contacts ?? []), ...delivered.map((m) => m.contactNumber)])];
			const from = (cursorMs as number) - CLOCK_SKEW_MS;
			const history = await readSince(client, wa, filters, from, contacts, options.includeRaw);
			candidates = catchUpCandidates(history, delivered, from, cursorMs as number);
			seen = [...delivered, ...history];
			mem.handled.add(cause);
			mem.checkedAt = new Date(now).toISOString();
		} catch (error) {
			// The delivered messages still go out; the gap is read again at the next delivery.
			failed = true;
			this.logger.error(`${adapter.displayName} instant trigger: catching up from the history failed, retried at the next delivery: ${(error as Error).message}`, {
				node: this.getNode().name,
			});
		} finally {
			mem.claims.delete(cause);
			done();
		}
	}
	// No await between choosing and recording: concurrent requests see these ids as taken.
	const emitted = candidates.filter((m) => !known(m.id) && wanted(m));
	// >>> issue-20 hook: with Wait for Quiet or the transcript output, nodes/shared/instant/quiet.ts records and emits >>>
	if (takesOver(this)) {
		return await emitBursts(this, {
			wa, client, options, filters, wanted, delivered, messages: emitted, seen, answered,
			emitted: known,
			record: (messages, moveCursor) => mem && remember(s, mem, messages, wa, moveCursor && !failed),
		});
	}
	// <<< issue-20 hook <<<
	if (mem) remember(s, mem, seen, wa, !failed);
	else if (!emitted.length) return { webhookResponse: 'OK' };
	return await emit(emitted, client, options, answered);
}

async function emit(messages: NormalizedMessage[], client: ApiClient, options: RunOptions, answered: boolean): Promise<IWebhookResponseData> {
	if (!messages.length) return answered ? { noWebhookResponse: true } : { webhookResponse: 'OK' };
	const items: INodeExecutionData[] = await toItems(byTimeThenOrder(messages), client, options);
	return answered ? { noWebhookResponse: true, workflowData: [items] } : { workflowData: [items] };
}
