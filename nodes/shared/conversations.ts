import type { IDataObject } from 'n8n-workflow';

import { millisOf, toIso } from './dates';
import type { Direction, NormalizedMessage, ProviderId } from './types';

/** The contract's conversation item (List Conversations). */
export interface ConversationItem extends IDataObject {
	provider: ProviderId;
	businessNumber: string | null;
	contactNumber: string;
	contactName: string | null;
	conversationId: string | null;
	lastMessage: NormalizedMessage & IDataObject;
	lastTimestamp: string | null;
	lastDirection: Direction;
	awaitingReply: boolean;
	awaitingSince: string | null;
	messageCount: number;
	inboundCount: number;
	outboundCount: number;
}

/**
 * One conversation = one contact of one business number (Chirp can read several business numbers at once; the
 * same contact with two of them is two conversations).
 */
export function conversationKey(m: Pick<NormalizedMessage, 'businessNumber' | 'contactNumber'>): string {
	return `${m.businessNumber ?? ''}\u0000${m.contactNumber}`;
}

/**
 * Does `candidate` (time `candidateMs`) become a conversation's last message instead of the current one? Only a
 * strictly newer timed message does: a message without a time never becomes last over a timed one (it cannot be
 * shown to be newer), and of equal times the one the provider listed first (newest first) stays.
 */
export function replacesLast(candidateMs: number | null, currentMs: number | null): boolean {
	if (candidateMs === null) return false;
	return currentMs === null || candidateMs > currentMs;
}

/**
 * The order of List Conversations and of Transcript per Contact: newest activity first; conversations whose
 * messages all lack a time come after every timed one; equal times keep the order they were first seen in.
 */
export function newestActivityFirst(a: { lastMs: number | null; seen: number }, b: { lastMs: number | null; seen: number }): number {
	if (a.lastMs !== b.lastMs) {
		if (a.lastMs === null) return 1;
		if (b.lastMs === null) return -1;
		return b.lastMs - a.lastMs;
	}
	return a.seen - b.seen;
}

/** What is kept per conversation: a handful of numbers and one message, whatever the number of messages. */
interface Tally {
	seen: number;
	last: NormalizedMessage;
	lastMs: number | null;
	contactName: string | null;
	messageCount: number;
	inboundCount: number;
	outboundCount: number;
	/** A timed outbound message has been fed: everything fed after it is older than our last reply. */
	replied: boolean;
	/** The oldest timed inbound message fed before our last reply: the customer has waited since then. */
	waitingSinceMs: number | null;
}

/**
 * Builds List Conversations' items from a history read page by page, keeping per-conversation aggregates only
 * (memory grows with the number of conversations, not messages). Messages are fed newest first, as the
 * pagination engine streams them (pages in order, each page ordered newest first); interleaving different
 * conversations is fine (DoubleTick reads several contacts at once), each conversation's own messages must come
 * newest first.
 *
 * - `lastMessage` is the newest timed message (see replacesLast); a conversation whose messages all lack a time
 *   takes the first one listed.
 * - Messages without a time are counted (messageCount, inboundCount, outboundCount) but neither start nor end the
 *   wait: `awaitingSince` is the time of the oldest timed inbound message after our newest timed outbound one.
 * - `markRepliedAfterWindow`: a reply we sent after the window's end (Received Before). The window's items do not
 *   change; `waiting()` uses it so "Received Before = now − 30 min" with Awaiting Reply lists only customers who
 *   have really waited 30 minutes.
 */
export class ConversationAggregator {
	private readonly tallies = new Map<string, Tally>();
	private readonly repliedAfterWindow = new Set<string>();

	constructor(
		private readonly provider: ProviderId,
		/** The business number the read was for, when the messages do not carry one. */
		private readonly businessNumber?: string,
	) {}

	get size(): number {
		return this.tallies.size;
	}

	/** One message of the window. */
	add(m: NormalizedMessage): void {
		const key = this.keyOf(m);
		const ms = millisOf(m.timestamp);
		let t = this.tallies.get(key);
		if (!t) {
			t = { seen: this.tallies.size, last: m, lastMs: ms, contactName: null, messageCount: 0, inboundCount: 0, outboundCount: 0, replied: false, waitingSinceMs: null };
			this.tallies.set(key, t);
		} else if (replacesLast(ms, t.lastMs)) {
			t.last = m;
			t.lastMs = ms;
		}
		t.contactName ??= m.contactName || null;
		t.messageCount++;
		if (m.direction === 'inbound') t.inboundCount++;
		else t.outboundCount++;
		if (ms === null || t.replied) return;
		if (m.direction === 'outbound') t.replied = true;
		else t.waitingSinceMs = t.waitingSinceMs === null ? ms : Math.min(t.waitingSinceMs, ms);
	}

	/** A message after the window's end: only an outbound one matters (we replied since). */
	markRepliedAfterWindow(m: NormalizedMessage): void {
		if (m.direction === 'outbound') this.repliedAfterWindow.add(this.keyOf(m));
	}

	private keyOf(m: NormalizedMessage): string {
		return conversationKey({ businessNumber: m.businessNumber ?? this.businessNumber ?? null, contactNumber: m.contactNumber });
	}

	/** Every conversation, newest activity first. */
	items(): ConversationItem[] {
		return this.sorted().map(([, t]) => this.toItem(t));
	}

	/**
	 * The conversations still waiting for us, newest activity first: the last message in the window is the
	 * customer's and we sent nothing after the window either.
	 */
	waiting(): ConversationItem[] {
		return this.sorted()
			.filter(([key, t]) => t.last.direction === 'inbound' && !this.repliedAfterWindow.has(key))
			.map(([, t]) => this.toItem(t));
	}

	private sorted(): Array<[string, Tally]> {
		return [...this.tallies.entries()].sort(([, a], [, b]) => newestActivityFirst(a, b));
	}

	private toItem(t: Tally): ConversationItem {
		const last = t.last;
		const awaitingReply = last.direction === 'inbound';
		const since = awaitingReply ? (t.waitingSinceMs ?? null) : null;
		return {
			provider: this.provider,
			businessNumber: last.businessNumber ?? this.businessNumber ?? null,
			contactNumber: last.contactNumber,
			contactName: t.contactName,
			conversationId: last.conversationId,
			lastMessage: last as NormalizedMessage & IDataObject,
			lastTimestamp: last.timestamp,
			lastDirection: last.direction,
			awaitingReply,
			awaitingSince: since === null ? null : toIso(since),
			messageCount: t.messageCount,
			inboundCount: t.inboundCount,
			outboundCount: t.outboundCount,
		};
	}
}
