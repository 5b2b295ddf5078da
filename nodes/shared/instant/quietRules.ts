import type { IDataObject } from 'n8n-workflow';

import { millisOf } from '../dates';
import { inputError } from '../errors';
import { nodeParameter } from '../input';
import { sameMessage } from '../mapping';
import type { NormalizedMessage, TriggerContext } from '../types';

// The rules of Wait for Quiet, each decided alone (quiet.ts runs them): which delivery emits a contact's burst, what
// the burst holds, and how far back it is read.

export const MAX_QUIET_SECONDS = 300;
/** A contact never emitted before: their burst is looked for this far before the oldest message known to be in it. */
export const GATHER_LOOKBACK_MS = 60 * 60_000;

/** Options → Wait for Quiet, in ms (0 = off). */
export function readQuietMs(ctx: TriggerContext): number {
	const o = (nodeParameter(ctx, 'options', 0, {}) ?? {}) as IDataObject;
	const raw = o.waitForQuiet;
	const seconds = raw === undefined || raw === '' || raw === null ? 0 : Number(raw);
	if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_QUIET_SECONDS) {
		throw inputError(ctx.getNode(), `Invalid value for option "Wait for Quiet (Seconds)" (waitForQuiet): ${String(raw)} (use 0 to ${MAX_QUIET_SECONDS} seconds)`);
	}
	return Math.round(seconds * 1000);
}


/**
 * A conversation newest first: the history as read, with the messages this request knows that the history does not
 * hold (yet) placed by their time. Such a message goes before history messages of the same time (it was just
 * delivered), and a message without a time goes first.
 */
export function timeline(historyNewestFirst: NormalizedMessage[], known: NormalizedMessage[], idMayDiffer = false): NormalizedMessage[] {
	// A history record that is a known (delivered) message under another id stands as the delivered copy: that is the
	// copy the trigger records, so a retry of the delivery is recognised.
	const out = historyNewestFirst.map((h) => known.find((m) => m.id !== h.id && sameMessage(h, m, idMayDiffer)) ?? h);
	const missing = known.filter((m) => !out.includes(m) && !historyNewestFirst.some((h) => sameMessage(h, m, idMayDiffer)));
	const time = (m: NormalizedMessage) => millisOf(m.timestamp);
	// Oldest first, so a later one of the same time ends up before an earlier one.
	missing.sort((a, b) => (time(a) ?? Number.POSITIVE_INFINITY) - (time(b) ?? Number.POSITIVE_INFINITY));
	for (const m of missing) {
		const t = time(m);
		let at = t === null ? 0 : out.findIndex((h) => {
			const ht = time(h);
			return ht !== null && ht <= t;
		});
		if (at < 0) at = out.length;
		out.splice(at, 0, m);
	}
	return out;
}

/**
 * The rule that needs no shared lock: after the quiet period, the delivery whose message is still the contact's
 * newest wanted message carries the burst; every other delivery of the burst ends without an execution.
 */
export function carriesBurst(
	timelineNewestFirst: NormalizedMessage[],
	held: NormalizedMessage[],
	wanted: (m: NormalizedMessage) => boolean,
	idMayDiffer = false,
): boolean {
	const newest = timelineNewestFirst.find(wanted);
	return newest !== undefined && held.some((m) => sameMessage(m, newest, idMayDiffer));
}

/**
 * Messages a catch-up found for a contact no delivery of this request holds: emitted now when the contact has been
 * quiet for the whole period (their newest message is that old and no request of this process holds it); otherwise
 * the delivery of that newest message carries them.
 */
export function quietSince(timelineNewestFirst: NormalizedMessage[], wanted: (m: NormalizedMessage) => boolean, nowMs: number, quietMs: number, heldHere: (m: NormalizedMessage) => boolean): boolean {
	const newest = timelineNewestFirst.find(wanted);
	if (!newest || heldHere(newest)) return false;
	const t = millisOf(newest.timestamp);
	return t !== null && t <= nowMs - quietMs;
}

/**
 * Where a contact's burst is read back to: from the newest message of theirs emitted before (`mark`); for a contact
 * never emitted, a lookback before the oldest message known to be unemitted, never before the trigger started
 * waiting for quiet (`since`).
 */
export function gatherBound(mark: number | undefined, since: number | undefined, oldestKnown: number, lookbackMs: number): number {
	if (mark !== undefined) return mark;
	const from = Number.isFinite(oldestKnown) ? oldestKnown - lookbackMs : Number.NEGATIVE_INFINITY;
	return Math.max(since ?? Number.NEGATIVE_INFINITY, from);
}

/**
 * A contact's burst, oldest first: every wanted message not emitted yet from the bound on. A history record without
 * a usable time cannot be placed after the bound and is left out; the new messages this request knows (`ours`) are
 * always in it.
 */
export function burstOf(
	timelineNewestFirst: NormalizedMessage[],
	ours: NormalizedMessage[],
	boundMs: number,
	wanted: (m: NormalizedMessage) => boolean,
	emitted: (m: NormalizedMessage) => boolean,
	idMayDiffer = false,
): NormalizedMessage[] {
	const out: NormalizedMessage[] = [];
	for (const m of timelineNewestFirst) {
		if (!wanted(m) || emitted(m)) continue;
		const t = millisOf(m.timestamp);
		if (ours.some((o) => sameMessage(o, m, idMayDiffer)) || (t !== null && t >= boundMs)) out.push(m);
	}
	return out.reverse();
}
