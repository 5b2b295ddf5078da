import { sleep } from 'n8n-workflow';
import type { INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { millisOf, toIso } from '../dates';
import { ConversationHistory } from '../history/conversation';
import { readOptions } from '../input';
import type { RunOptions } from '../input';
import { byContact, readTriggerOutput, triggerItems } from '../triggerTranscript';
import type { TriggerOutput } from '../triggerTranscript';
import type { ApiClient } from '../transport/http';
import type { ListQuery, NormalizedMessage, TriggerContext } from '../types';
import { sameMessage } from '../mapping';
import { byTimeThenOrder } from './ledger';
import { lruEntry } from './processMemory';
import { burstOf, carriesBurst, GATHER_LOOKBACK_MS, gatherBound, quietSince, readQuietMs, timeline } from './quietRules';
import type { WebhookAdapter } from './types';

/** The wait and the clock of Wait for Quiet. Tests replace them with time that moves when the test says so. */
export const quietClock = {
	sleep: async (ms: number): Promise<void> => await sleep(ms),
	now: (): number => Date.now(),
};

/** A contact whose burst went elsewhere (another process carried it, or its carrier died) is forgotten this long after. */
const OPEN_GRACE_MS = 60_000;
/** Contacts whose last emitted message the static data keeps (the oldest are forgotten first). */
const MAX_MARKS = 1000;

/** What the instant trigger's receive step hands over once it knows which messages are new (see `emitBursts`). */
export interface BurstInput {
	wa: WebhookAdapter;
	client: ApiClient;
	options: RunOptions;
	/** The trigger's filters: business number, the event's direction, contact. */
	filters: ListQuery;
	/** A message the trigger starts workflows for (its filters). */
	wanted(m: NormalizedMessage): boolean;
	/** The messages this request delivered. */
	delivered: NormalizedMessage[];
	/** What the trigger would emit now: new, wanted messages (the delivered ones and a catch-up's). */
	messages: NormalizedMessage[];
	/**
	 * Already emitted: by id, and for a history record (`fromHistory`) also as a delivered message the provider stores
	 * under another id. Asked again after the wait, so it must see what others recorded meanwhile.
	 */
	emitted(m: NormalizedMessage, fromHistory: boolean): boolean;
	/** Records messages as emitted (held messages are recorded only when their burst is emitted). */
	record(messages: NormalizedMessage[]): void;
	/** The provider was answered already. */
	answered: boolean;
}

/** What an instant trigger keeps for Wait for Quiet in its static data (JSON only). */
interface QuietState {
	/** When the trigger started waiting for quiet (ISO): no burst reaches back before it. */
	since?: string;
	/** Per contact: the newest message of theirs emitted (ISO). Their next burst is read back to it. */
	marks?: Record<string, string>;
}

/** Per n8n process and trigger: the deliveries waiting now, and what they know. */
interface QuietMemory {
	/** Messages held by a waiting request of this process (a second delivery of one of them ends at once). */
	held: Map<string, { contact: string; t: number }>;
	/** Per contact: the oldest message this process knows is not emitted yet, and when that was last touched. */
	open: Map<string, { since: number; touched: number }>;
	/** Per contact: the newest message time this process emitted (each save carries them all). */
	marks: Map<string, number>;
	since?: number;
	nextKey: number;
}
const memories = new Map<string, QuietMemory>();
const MAX_MEMORIES = 500;

function quietMemory(ctx: IWebhookFunctions): QuietMemory {
	const node = ctx.getNode();
	const key = `${ctx.getWorkflow().id ?? ''}/${node.id}/${node.webhookId ?? ''}/${ctx.getMode() === 'manual' ? 'test' : 'live'}`;
	// A trigger with deliveries waiting, or contacts whose burst is still open, keeps its memory.
	return lruEntry(memories, key, () => ({ held: new Map(), open: new Map(), marks: new Map(), nextKey: 0 }), MAX_MEMORIES, (m) => m.held.size > 0 || m.open.size > 0);
}

/** The static data's Wait for Quiet part as this request loaded it (written back through `writeState`). */
function quietState(ctx: IWebhookFunctions): QuietState {
	return (ctx.getWorkflowStaticData('node') as { quiet?: QuietState }).quiet ?? {};
}

function writeState(ctx: IWebhookFunctions, change: QuietState): void {
	const s = ctx.getWorkflowStaticData('node') as { quiet?: QuietState };
	s.quiet = { ...s.quiet, ...change };
}

/** The newest message of the contact emitted before, as the static data or this process knows it. */
function markOf(state: QuietState, memory: QuietMemory, contact: string): number | undefined {
	const times = [millisOf(state.marks?.[contact]), memory.marks.get(contact)].filter((t): t is number => typeof t === 'number');
	return times.length ? Math.max(...times) : undefined;
}

function timeOf(m: NormalizedMessage): number {
	return millisOf(m.timestamp) ?? Number.POSITIVE_INFINITY;
}

/** Wait for Quiet and Output Format of an instant trigger, checked at activation too. */
export function readBurstOptions(ctx: TriggerContext): { quietMs: number; output: TriggerOutput } {
	return { quietMs: readQuietMs(ctx), output: readTriggerOutput(ctx, readOptions(ctx, 0)) };
}

/** Wait for Quiet or the transcript output is on: `emitBursts` records and emits instead of the trigger's own step. */
export function takesOver(ctx: TriggerContext): boolean {
	const { quietMs, output } = readBurstOptions(ctx);
	return quietMs > 0 || output.transcript;
}

/**
 * The instant trigger's output step when `takesOver`: called once the new messages are known, before any is
 * recorded, and with no await between the two (the transcript output records before its first await).
 */
export async function emitBursts(ctx: IWebhookFunctions, input: BurstInput): Promise<IWebhookResponseData> {
	const { quietMs, output } = readBurstOptions(ctx);
	if (quietMs > 0) return await holdForQuiet(ctx, input, quietMs);
	input.record(input.messages);
	if (!input.messages.length) return input.answered ? { noWebhookResponse: true } : { webhookResponse: 'OK' };
	const answered = output.contextMessages > 0 ? answerNow(ctx, input.answered) : input.answered;
	return respond(await itemsFor(ctx, input, byTimeThenOrder(input.messages), new Map()), answered);
}

function answerNow(ctx: IWebhookFunctions, answered: boolean): true {
	if (!answered) ctx.getResponseObject().status(200).json({ received: true });
	return true;
}

function respond(items: INodeExecutionData[], answered: boolean): IWebhookResponseData {
	if (!items.length) return answered ? { noWebhookResponse: true } : { webhookResponse: 'OK' };
	return answered ? { noWebhookResponse: true, workflowData: [items] } : { workflowData: [items] };
}

async function itemsFor(ctx: IWebhookFunctions, input: BurstInput, messages: NormalizedMessage[], histories: Map<string, ConversationHistory>) {
	return await triggerItems(ctx, {
		adapter: input.wa.history,
		client: input.client,
		options: input.options,
		messages,
		businessNumber: input.filters.businessNumber,
		histories,
		idMayDiffer: input.wa.deliveryIdMayDiffer === true,
	});
}

/**
 * Wait for Quiet. The provider is answered at once; each delivered message is held (a second delivery of a message
 * held in this process ends at once) and the request sleeps for the quiet period. Then, per contact, it reads the
 * contact's history: when its message is still the contact's newest wanted one, it gathers every message of the
 * contact not emitted yet (from where the contact was last emitted) and emits them in one execution; otherwise it
 * ends without one: the newer message's delivery decides in its turn. Messages a catch-up found for contacts this
 * request holds nothing of go out once those contacts are quiet.
 */
async function holdForQuiet(ctx: IWebhookFunctions, input: BurstInput, quietMs: number): Promise<IWebhookResponseData> {
	const memory = quietMemory(ctx);
	const state = quietState(ctx);
	const manual = ctx.getMode() === 'manual';
	const startedAt = quietClock.now();
	forgetSettled(memory, state, startedAt, quietMs);

	const isDelivered = (m: NormalizedMessage) => input.delivered.some((d) => sameMessage(d, m, input.wa.deliveryIdMayDiffer));
	const held = input.messages.filter((m) => isDelivered(m) && !(m.id !== null && memory.held.has(m.id)));
	const caughtUp = input.messages.filter((m) => !isDelivered(m));
	if (!held.length && !caughtUp.length) {
		// Nothing new to hold: a second delivery of a message held by another request, or a catch-up that found
		// nothing new.
		return input.answered ? { noWebhookResponse: true } : { webhookResponse: 'OK' };
	}
	const claims = held.map((m) => {
		const key = m.id ?? `~${memory.nextKey++}`;
		memory.held.set(key, { contact: m.contactNumber, t: timeOf(m) });
		return key;
	});
	for (const m of [...held, ...caughtUp]) touchOpen(memory, m.contactNumber, startedAt, timeOf(m));
	if (!manual) startWaiting(ctx, memory, state, held, startedAt);
	const answered = answerNow(ctx, input.answered);

	const histories = new Map<string, ConversationHistory>();
	try {
		await quietClock.sleep(quietMs);
		const out: NormalizedMessage[] = [];
		for (const group of byContact([...held, ...caughtUp])) {
			const contact = group[0].contactNumber;
			const mine = group.filter((m) => held.includes(m));
			const found = group.filter((m) => !held.includes(m));
			for (const m of await burstFor(ctx, input, { memory, state, manual, quietMs, contact, mine, found, claims, histories })) out.push(m);
		}
		if (!out.length) return { noWebhookResponse: true };
		return respond(await itemsFor(ctx, input, byTimeThenOrder(out), histories), answered);
	} finally {
		for (const key of claims) memory.held.delete(key);
		for (const history of histories.values()) await history.close();
	}
}

interface Decision {
	memory: QuietMemory;
	state: QuietState;
	manual: boolean;
	quietMs: number;
	contact: string;
	/** This request's held messages of the contact. */
	mine: NormalizedMessage[];
	/** Messages a catch-up found for the contact. */
	found: NormalizedMessage[];
	/** This request's keys in `memory.held`. */
	claims: string[];
	histories: Map<string, ConversationHistory>;
}

/** One contact after the wait: the burst this request emits for them (recorded already), or nothing. */
async function burstFor(ctx: IWebhookFunctions, input: BurstInput, d: Decision): Promise<NormalizedMessage[]> {
	const { memory, contact } = d;
	const idMayDiffer = input.wa.deliveryIdMayDiffer === true;
	const delivered = new Set(d.mine);
	const emitted = (m: NormalizedMessage) => input.emitted(m, !delivered.has(m));
	const mine = d.mine.filter((m) => !emitted(m));
	const found = d.found.filter((m) => !emitted(m));
	// Another request emitted them meanwhile.
	if (!mine.length && !found.length) return [];
	if (mine.length && newerHeldHere(memory, contact, mine, d.claims)) {
		// A later message of this contact waits in this process: its delivery decides (no history read needed).
		touchOpen(memory, contact, quietClock.now());
		return [];
	}
	const ours = [...mine, ...found];
	const businessNumber = input.filters.businessNumber ?? ours.find((m) => m.businessNumber)?.businessNumber ?? undefined;
	const oldestKnown = Math.min(memory.open.get(contact)?.since ?? Number.POSITIVE_INFINITY, ...ours.map(timeOf));
	const bound = gatherBound(markOf(d.state, memory, contact), d.manual ? undefined : memory.since, oldestKnown, d.manual ? 0 : GATHER_LOOKBACK_MS);
	const history = new ConversationHistory(input.client, input.wa.history, { businessNumber, contactNumber: contact || undefined }, input.options.includeRaw, bound);
	d.histories.set(contact, history);
	try {
		await history.readUntil((read) => read.some(input.wanted) || history.covers(bound));
		const carries = mine.length
			? carriesBurst(timeline(history.messages, ours, idMayDiffer), mine, input.wanted, idMayDiffer)
			: quietSince(timeline(history.messages, ours, idMayDiffer), input.wanted, quietClock.now(), d.quietMs, (m) => m.id !== null && memory.held.has(m.id));
		if (!carries) {
			touchOpen(memory, contact, quietClock.now());
			return [];
		}
		await history.readBack(bound);
	} catch (error) {
		// Without the history this request cannot tell whether it carries the burst: it emits what it knows is new
		// rather than lose it (another delivery of the burst may then emit the rest in an execution of its own).
		ctx.logger.warn(`${input.wa.history.displayName} instant trigger: Wait for Quiet could not read the history of ${contact}; emitting the messages this delivery holds: ${(error as Error).message}`);
		return settle(ctx, input, d, ours.filter((m) => !emitted(m)));
	}
	// No await from choosing to recording: concurrent requests of this process see these messages as emitted.
	return settle(ctx, input, d, burstOf(timeline(history.messages, ours, idMayDiffer), ours, bound, input.wanted, emitted, idMayDiffer));
}

/** Records a contact's burst as emitted: the ledger (ids; the cursor unless older messages are still held), the contact's mark. */
function settle(ctx: IWebhookFunctions, input: BurstInput, d: Decision, burst: NormalizedMessage[]): NormalizedMessage[] {
	if (!burst.length) return burst;
	const { memory, contact } = d;
	const newest = Math.max(...burst.map((m) => millisOf(m.timestamp) ?? Number.NEGATIVE_INFINITY));
	// What of the contact is still held by other requests of this process stays open.
	const stillHeld = [...memory.held.entries()].filter(([key, h]) => h.contact === contact && !d.claims.includes(key) && !burst.some((m) => m.id === key));
	if (stillHeld.length) memory.open.set(contact, { since: Math.min(...stillHeld.map(([, h]) => h.t)), touched: quietClock.now() });
	else memory.open.delete(contact);
	input.record(burst);
	if (Number.isFinite(newest)) {
		memory.marks.delete(contact);
		memory.marks.set(contact, Math.max(markOf(d.state, memory, contact) ?? Number.NEGATIVE_INFINITY, newest));
		// The contacts emitted longest ago are forgotten first (a Map keeps insertion order).
		while (memory.marks.size > MAX_MARKS) memory.marks.delete(memory.marks.keys().next().value as string);
		if (!d.manual) writeState(ctx, { marks: mergedMarks(d.state, memory) });
	}
	return burst;
}

/** A message of the contact newer than all of `mine` is held by another request of this process. */
function newerHeldHere(memory: QuietMemory, contact: string, mine: NormalizedMessage[], claims: string[]): boolean {
	const newestMine = Math.max(...mine.map(timeOf));
	for (const [key, h] of memory.held) if (h.contact === contact && !claims.includes(key) && h.t > newestMine) return true;
	return false;
}

function touchOpen(memory: QuietMemory, contact: string, now: number, t?: number): void {
	const open = memory.open.get(contact);
	const since = Math.min(open?.since ?? Number.POSITIVE_INFINITY, t ?? Number.POSITIVE_INFINITY);
	memory.open.set(contact, { since, touched: now });
}

/** Open contacts another process emitted meanwhile (their mark in the static data), or whose carrier is long gone, are dropped. */
function forgetSettled(memory: QuietMemory, state: QuietState, now: number, quietMs: number): void {
	for (const [contact, open] of memory.open) {
		const mark = millisOf(state.marks?.[contact]);
		const waiting = [...memory.held.values()].some((h) => h.contact === contact);
		if ((mark !== null && mark >= open.since) || (!waiting && now - open.touched > quietMs + OPEN_GRACE_MS)) memory.open.delete(contact);
	}
}

/** The first time this trigger waits for quiet: no burst reaches back before this point. */
function startWaiting(ctx: IWebhookFunctions, memory: QuietMemory, state: QuietState, held: NormalizedMessage[], now: number): void {
	const stored = millisOf(state.since);
	if (stored !== null) {
		memory.since = Math.min(memory.since ?? stored, stored);
		return;
	}
	const since = Math.min(now, ...held.map((m) => millisOf(m.timestamp) ?? now), memory.since ?? now);
	memory.since = since;
	writeState(ctx, { since: toIso(since) });
}

/** The contacts' marks for the static data this request saves: what was stored and this process's, the newest kept. */
function mergedMarks(state: QuietState, memory: QuietMemory): Record<string, string> {
	const marks = new Map<string, number>();
	for (const [contact, iso] of Object.entries(state.marks ?? {})) {
		const t = millisOf(iso);
		if (t !== null) marks.set(contact, t);
	}
	for (const [contact, t] of memory.marks) marks.set(contact, Math.max(marks.get(contact) ?? Number.NEGATIVE_INFINITY, t));
	const kept = [...marks.entries()].sort((a, b) => b[1] - a[1]).slice(0, MAX_MARKS);
	return Object.fromEntries(kept.map(([contact, t]) => [contact, toIso(t)]));
}
