import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { toItems } from './actions/router';
import { sameMessage } from './mapping';
import { millisOf } from './dates';
import { inputError } from './errors';
import { ConversationHistory } from './history/conversation';
import { nodeParameter, timezone } from './input';
import type { RunOptions } from './input';
import type { ProviderAdapter } from './provider';
import { buildTranscript, knownNames } from './transcript';
import type { Transcript, TranscriptSettings } from './transcript';
import type { ApiClient } from './transport/http';
import type { NormalizedMessage, TriggerContext } from './types';

/** Most context lines one transcript may ask for (each is read from the provider's history). */
export const MAX_CONTEXT_MESSAGES = 500;

/** A trigger's transcript item: the contract's transcript fields, and which of its last lines are new. */
export interface TriggerTranscript extends Transcript {
	/** The last `newMessageCount` messages of the transcript are the ones that started this execution. */
	newMessageCount: number;
	/** Just those messages' lines. */
	newMessages: string;
}

/** A trigger's Options → Output Format and Context Messages. */
export interface TriggerOutput {
	transcript: boolean;
	contextMessages: number;
}

export function readTriggerOutput(ctx: TriggerContext, options: RunOptions): TriggerOutput {
	const o = (nodeParameter(ctx, 'options', 0, {}) ?? {}) as IDataObject;
	const raw = o.contextMessages;
	const contextMessages = raw === undefined || raw === '' ? 0 : Number(raw);
	if (!Number.isInteger(contextMessages) || contextMessages < 0 || contextMessages > MAX_CONTEXT_MESSAGES) {
		throw inputError(
			ctx.getNode(),
			`Invalid value for option "Context Messages" (contextMessages): ${String(raw)} (use a whole number from 0 to ${MAX_CONTEXT_MESSAGES})`,
		);
	}
	return { transcript: options.outputFormat === 'transcript', contextMessages };
}

function isOneOf(fresh: NormalizedMessage[], idMayDiffer: boolean): (m: NormalizedMessage) => boolean {
	const ids = new Set(fresh.map((m) => m.id).filter((id): id is string => id !== null));
	return (m) => fresh.includes(m) || (m.id !== null && ids.has(m.id)) || (idMayDiffer && fresh.some((f) => sameMessage(f, m, true)));
}

/**
 * A transcript's context: the `count` messages of the conversation (both sides) just before the oldest new one,
 * newest first, from a history read newest first. A message of the other side written between two new ones is
 * neither new nor earlier: it is left out, so the last lines of the transcript are exactly the new messages.
 */
export function contextBefore(historyNewestFirst: NormalizedMessage[], fresh: NormalizedMessage[], count: number, idMayDiffer = false): NormalizedMessage[] {
	if (count <= 0) return [];
	const isFresh = isOneOf(fresh, idMayDiffer);
	const times = fresh.map((m) => millisOf(m.timestamp)).filter((t): t is number => t !== null);
	const oldestFresh = times.length ? Math.min(...times) : Number.POSITIVE_INFINITY;
	let oldestFreshAt = -1;
	for (let i = historyNewestFirst.length - 1; i >= 0 && oldestFreshAt < 0; i--) if (isFresh(historyNewestFirst[i])) oldestFreshAt = i;
	const out: NormalizedMessage[] = [];
	for (let i = oldestFreshAt + 1; i < historyNewestFirst.length && out.length < count; i++) {
		const m = historyNewestFirst[i];
		if (isFresh(m)) continue;
		const t = millisOf(m.timestamp);
		// Past the oldest new message in the history's order, a message is earlier unless its time says otherwise;
		// when the history does not hold the new messages (yet), only a time can say it is earlier.
		const earlier = oldestFreshAt >= 0 ? t === null || t <= oldestFresh : t !== null && t <= oldestFresh;
		if (earlier) out.push(m);
	}
	return out;
}

/** One contact's transcript item: `context` (newest first) then the new messages (oldest first). */
export function triggerTranscript(fresh: NormalizedMessage[], context: NormalizedMessage[], settings: TranscriptSettings): TriggerTranscript {
	// Names known from any line name every line, in both transcripts alike.
	const oldestFirst = knownNames([...context].reverse().concat(fresh));
	const all = buildTranscript([...oldestFirst].reverse(), settings);
	const onlyNew = buildTranscript(oldestFirst.slice(context.length).reverse(), settings);
	return { ...all, newMessageCount: fresh.length, newMessages: onlyNew.transcript };
}

/** The new messages by contact, each oldest first; contacts in the order of their newest message. */
export function byContact(oldestFirst: NormalizedMessage[]): NormalizedMessage[][] {
	const groups = new Map<string, NormalizedMessage[]>();
	for (const m of oldestFirst) {
		const group = groups.get(m.contactNumber);
		if (group) group.push(m);
		else groups.set(m.contactNumber, [m]);
	}
	const newest = (g: NormalizedMessage[]) => Math.max(...g.map((m) => millisOf(m.timestamp) ?? Number.POSITIVE_INFINITY));
	return [...groups.values()].sort((a, b) => newest(a) - newest(b));
}

export interface TriggerItemsInput {
	adapter: ProviderAdapter;
	client: ApiClient;
	options: RunOptions;
	/** The messages that start this execution, oldest first. */
	messages: NormalizedMessage[];
	/** The trigger's business number, when it has one. */
	businessNumber?: string;
	/** Conversations already read in this execution (Wait for Quiet), by contact: the context reuses their pages. */
	histories?: Map<string, ConversationHistory>;
	/** The new messages are deliveries whose id may not be the history's (DoubleTick): matched by content and time too. */
	idMayDiffer?: boolean;
}

/**
 * A trigger's output items: the messages (Output Format = Messages), or one transcript item per contact with
 * `contextMessages` earlier messages read from the history. A context that cannot be read leaves the transcript
 * with the new messages only (logged): the messages themselves are never held back by it.
 */
export async function triggerItems(ctx: TriggerContext, input: TriggerItemsInput): Promise<INodeExecutionData[]> {
	const { adapter, client, options } = input;
	const output = readTriggerOutput(ctx, options);
	if (!output.transcript) return await toItems(input.messages, client, options);
	const items: INodeExecutionData[] = [];
	for (const fresh of byContact(input.messages)) {
		const contact = fresh[0].contactNumber;
		const businessNumber = input.businessNumber ?? fresh.find((m) => m.businessNumber)?.businessNumber ?? undefined;
		let context: NormalizedMessage[] = [];
		if (output.contextMessages > 0 && contact) {
			const shared = input.histories?.get(contact);
			const history = shared ?? new ConversationHistory(client, adapter, { businessNumber, contactNumber: contact }, false);
			try {
				const idMayDiffer = input.idMayDiffer === true;
				await history.readUntil((read) => contextBefore(read, fresh, output.contextMessages, idMayDiffer).length >= output.contextMessages);
				context = contextBefore(history.messages, fresh, output.contextMessages, idMayDiffer);
			} catch (error) {
				ctx.logger.warn(`${adapter.displayName} trigger: the transcript's earlier messages could not be read; it holds the new messages only: ${(error as Error).message}`);
			} finally {
				if (!shared) await history.close();
			}
		}
		const settings: TranscriptSettings = { provider: adapter.id, query: { businessNumber, contactNumber: contact || undefined }, timeZone: timezone(ctx), maxLength: 0 };
		items.push({ json: triggerTranscript(fresh, context, settings) });
	}
	return items;
}
