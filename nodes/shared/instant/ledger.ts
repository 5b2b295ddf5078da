import { randomBytes } from 'crypto';
import type { IWebhookFunctions } from 'n8n-workflow';

import { millisOf } from '../dates';
import { fingerprint, messageKey, OVERLAP_MS, SAME_MESSAGE_MS } from '../mapping';
import type { NormalizedMessage } from '../types';
import { lruEntry } from './processMemory';
import type { InstantState, RecentEntry, WebhookAdapter } from './types';

/**
 * This n8n process. A delivery handled by another process than the last one marks the trigger as resumed, so a
 * restart is noticed even where n8n does not call `checkExists` at start (n8n 2.40 keeps published webhooks).
 */
export const PROCESS = randomBytes(6).toString('hex');

/** Messages one catch-up emits at most: the oldest ones; the rest follow with the next delivery. */
export const CATCH_UP_BATCH = 2000;
/** Emitted messages kept whatever their age (a provider retries a day later: 99digital). */
const MAX_RECENT = 1000;
const MAX_CONTACTS = 50;
/** Catch-up causes a process remembers as handled (older ones cannot come back: their state has moved on). */
const MAX_HANDLED = 20;

/** An ISO time we stored ourselves, in ms; -Infinity when it is missing or unreadable. */
export function at(iso: string | undefined): number {
	return millisOf(iso) ?? Number.NEGATIVE_INFINITY;
}

const isoOf = (ms: number): string | undefined => (Number.isFinite(ms) ? new Date(ms).toISOString() : undefined);

/** Oldest first; equal times keep their order. */
export function byTimeThenOrder(list: NormalizedMessage[]): NormalizedMessage[] {
	return list
		// A message without a usable time is taken as the newest (it was just delivered or just read).
		.map((m, i) => ({ m, i, t: millisOf(m.timestamp) ?? Number.POSITIVE_INFINITY }))
		.sort((a, b) => (a.t === b.t ? a.i - b.i : a.t < b.t ? -1 : 1))
		.map((x) => x.m);
}



interface Entry {
	/** The message's time, epoch seconds. */
	t: number;
	/** Set for delivered messages whose id may not be the history's. */
	fp?: string;
}

function entryOf(raw: RecentEntry | string, legacySeconds: number): [string, Entry] {
	if (typeof raw === 'string') return [raw, { t: legacySeconds }];
	return [raw[0], raw.length > 2 ? { t: raw[1], fp: raw[2] } : { t: raw[1] }];
}

/** Keeps what a read from the history point minus the overlap can meet again, and the newest MAX_RECENT whatever their age. */
function prune(entries: Map<string, Entry>, historyMs: number): Map<string, Entry> {
	const from = Number.isFinite(historyMs) ? (historyMs - OVERLAP_MS - SAME_MESSAGE_MS) / 1000 : Infinity;
	const lastByAge = entries.size - MAX_RECENT;
	const kept = new Map<string, Entry>();
	let i = 0;
	for (const [key, e] of entries) if (i++ >= lastByAge || e.t >= from) kept.set(key, e);
	return kept;
}

/** Per n8n process: what concurrent requests of one trigger registration share. */
interface ProcessMemory {
	/** Messages this process recorded (oldest first). */
	recent: Map<string, Entry>;
	historyMs: number;
	checkedAtMs: number;
	pending: number;
	/** Catch-ups running now, by cause; causes already handled (the newest MAX_HANDLED). */
	claims: Map<string, Promise<void>>;
	handled: string[];
	/** Requests of this registration running now; when the last one ended. */
	inFlight: number;
	lastUsed: number;
}

/** Memories kept for idle registrations at most; one still receiving (a request running, or one lately) is never dropped. */
const MAX_MEMORIES = 200;
const IDLE_MS = 10 * 60_000;
const memories = new Map<string, ProcessMemory>();

function memoryOf(key: string, now: number): ProcessMemory {
	const fresh = (): ProcessMemory => ({ recent: new Map(), historyMs: -Infinity, checkedAtMs: -Infinity, pending: 0, claims: new Map(), handled: [], inFlight: 0, lastUsed: now });
	return lruEntry(memories, key, fresh, MAX_MEMORIES, (mem) => mem.inFlight > 0 || now - mem.lastUsed <= IDLE_MS);
}

/** How many registrations this process keeps memories for (for tests: bounded, and never one still receiving). */
export function memoryCount(): number {
	return memories.size;
}

/** A catch-up another request of this process ran while this one waited for it. */
export const WAITED = Symbol('waited');

/**
 * The trigger's ledger as one delivery sees it: which messages were emitted (their keys and times), the history point
 * (only history reads move it) and the floor below which nothing is emitted, which catch-up is due, running (claims)
 * or done (handled) in this n8n process, and what this request saves in the static data.
 *
 * n8n gives each request its own copy of the static data, read without a lock and saved after the request (the last
 * save wins), so the ledger keeps this process's share in memory and each request saves all of it, assigning only the
 * values that changed (n8n writes the static data whenever a value is assigned). A test run ("Listen for test event")
 * has no ledger: it records nothing.
 */
export class Ledger {
	private readonly loaded: Map<string, Entry>;
	private readonly fingerprints = new Map<string, number[]>();

	private constructor(
		private readonly s: InstantState,
		private readonly wa: WebhookAdapter,
		private readonly mem: ProcessMemory | undefined,
	) {
		const legacySeconds = Math.floor(at(s.history ?? s.cursor) / 1000);
		this.loaded = new Map((s.recent ?? []).map((raw) => entryOf(raw, Number.isFinite(legacySeconds) ? legacySeconds : Math.floor(Date.now() / 1000))));
		for (const entries of [this.loaded, mem?.recent ?? new Map<string, Entry>()]) for (const e of entries.values()) this.noteFingerprint(e);
	}

	static open(ctx: IWebhookFunctions, s: InstantState, wa: WebhookAdapter, secret: string, manual: boolean): Ledger {
		if (manual) return new Ledger(s, wa, undefined);
		const now = Date.now();
		const mem = memoryOf(`${ctx.getWorkflow().id ?? ''}/${ctx.getNode().id}/${secret}`, now);
		mem.inFlight++;
		mem.lastUsed = now;
		return new Ledger(s, wa, mem);
	}

	/** The request is done (its memory may be dropped once idle). */
	close(): void {
		if (!this.mem) return;
		this.mem.inFlight--;
		this.mem.lastUsed = Date.now();
	}

	// ---------- the view: the static data this request loaded, with what this process recorded since ----------

	/** The history point in ms; undefined before the first activation stored one. */
	get historyMs(): number | undefined {
		const ms = Math.max(at(this.s.history ?? this.s.cursor), this.mem?.historyMs ?? -Infinity);
		return Number.isFinite(ms) ? ms : undefined;
	}

	private get checkedAtMs(): number {
		return Math.max(at(this.s.checkedAt), this.mem?.checkedAtMs ?? -Infinity);
	}

	/** Messages the newest catch-up (of any process, as far as this request can tell) left pending. */
	private get pending(): number {
		const mem = this.mem;
		return mem && mem.checkedAtMs >= at(this.s.checkedAt) ? mem.pending : (this.s.pending ?? 0);
	}

	/** Where a catch-up reads from: the history point minus the overlap, never before the first activation. */
	readFromMs(): number {
		const floor = at(this.s.since ?? this.s.cursor);
		return Math.max((this.historyMs as number) - OVERLAP_MS, floor);
	}

	/** A message this trigger emitted already (a retry, a duplicate, or one a catch-up brought). */
	known(m: NormalizedMessage, fromHistory = false): boolean {
		if (!this.mem) return false;
		const key = messageKey(m);
		if (this.loaded.has(key) || this.mem.recent.has(key)) return true;
		return fromHistory && this.wa.deliveryIdMayDiffer === true && this.matchesDelivered(m);
	}

	/** A history record that is a delivered message recorded under another id (see deliveryIdMayDiffer). */
	private matchesDelivered(m: NormalizedMessage, delivered: NormalizedMessage[] = []): boolean {
		const t = millisOf(m.timestamp);
		if (t === null) return false;
		const fp = fingerprint(m);
		const near = (ms: number) => Math.abs(ms - t) <= SAME_MESSAGE_MS;
		if ((this.fingerprints.get(fp) ?? []).some((seconds) => near(seconds * 1000))) return true;
		return delivered.some((d) => d.id !== m.id && fingerprint(d) === fp && near(millisOf(d.timestamp) ?? Number.NaN));
	}

	private noteFingerprint(e: Entry): void {
		if (!e.fp) return;
		const times = this.fingerprints.get(e.fp) ?? [];
		times.push(e.t);
		this.fingerprints.set(e.fp, times);
	}

	// ---------- catch-up ----------

	/**
	 * What asks for a catch-up now: a start or re-activation (resume), a backlog a bounded catch-up left, or the
	 * gap-check interval since the history was last read; undefined when none is due, Catch Up is off, or this process
	 * handled it already. Concurrent requests of this process share one catch-up per cause.
	 */
	dueCatchUp(now: number, enabled: boolean, gapCheckMs: number): string | undefined {
		const s = this.s;
		if (!this.mem || !enabled || this.historyMs === undefined) return undefined;
		const checked = this.checkedAtMs;
		const cause =
			s.resume === true
				? `resume:${s.resumeId ?? ''}`
				: this.pending > 0
					? `backlog:${checked}`
					: !Number.isFinite(checked) || now - checked >= gapCheckMs
						? `gap:${checked}`
						: undefined;
		return cause && !this.mem.handled.includes(cause) ? cause : undefined;
	}

	/**
	 * Runs the catch-up of `cause`: reads the history (`read`), then at once (no await between choosing and
	 * recording, so concurrent requests see these messages as taken) chooses what to emit and records it. Resolves
	 * WAITED when another request of this process was running it: this one waited for it to end. A failed read leaves
	 * the cause open for the next delivery.
	 */
	async catchUp(
		cause: string,
		read: (fromMs: number) => Promise<NormalizedMessage[]>,
		delivered: NormalizedMessage[],
		wanted: (m: NormalizedMessage) => boolean,
		record = true,
	): Promise<{ emit: NormalizedMessage[]; pending: number } | typeof WAITED> {
		const mem = this.mem as ProcessMemory;
		const running = mem.claims.get(cause);
		if (running) {
			await running;
			return WAITED;
		}
		let done = (): void => undefined;
		mem.claims.set(cause, new Promise<void>((resolve) => (done = resolve)));
		const startedAt = Date.now();
		try {
			const fromMs = this.readFromMs();
			const history = await read(fromMs);
			const { emit, historyMs, pending } = this.choose(history, delivered, fromMs, wanted);
			if (record) this.record(emit, delivered);
			mem.historyMs = Math.max(mem.historyMs, this.historyMs ?? -Infinity, historyMs);
			mem.checkedAtMs = startedAt;
			mem.pending = pending;
			mem.handled.push(cause);
			if (mem.handled.length > MAX_HANDLED) mem.handled.shift();
			return { emit, pending };
		} finally {
			mem.claims.delete(cause);
			done();
		}
	}

	/**
	 * What a catch-up emits: the history records that are new (not emitted before, at or past the read's start, with a
	 * time) and wanted, oldest first, at most CATCH_UP_BATCH of them, and the delivered messages (the delivered copy
	 * wins over the history's: fresh media links). The history point moves to the newest record read, or, when the
	 * batch is full, to the newest record emitted: never past a message that was not emitted.
	 */
	private choose(history: NormalizedMessage[], delivered: NormalizedMessage[], fromMs: number, wanted: (m: NormalizedMessage) => boolean) {
		const deliveredIds = new Set(delivered.map((m) => m.id).filter((id): id is string => id !== null));
		const taken = new Set<string>();
		let newest = -Infinity;
		const fresh: NormalizedMessage[] = [];
		for (const m of history) {
			// Without a time a record cannot be placed past the read's start: it is left to the polling trigger's rules.
			const t = millisOf(m.timestamp);
			if (t === null) continue;
			newest = Math.max(newest, t);
			const key = messageKey(m);
			if (t < fromMs || taken.has(key) || (m.id !== null && deliveredIds.has(m.id))) continue;
			taken.add(key);
			if (!wanted(m) || this.known(m, true)) continue;
			if (this.wa.deliveryIdMayDiffer && this.matchesDelivered(m, delivered)) continue;
			fresh.push(m);
		}
		const ordered = byTimeThenOrder(fresh);
		const batch = ordered.slice(0, CATCH_UP_BATCH);
		const pending = ordered.length - batch.length;
		const historyMs = pending ? (millisOf(batch[batch.length - 1].timestamp) as number) : newest;
		return { emit: [...batch, ...this.newDelivered(delivered, wanted)], historyMs, pending };
	}

	/** Delivered messages not emitted before (one without an id cannot be told from a retry: it is always new). */
	private newDelivered(delivered: NormalizedMessage[], wanted: (m: NormalizedMessage) => boolean): NormalizedMessage[] {
		return delivered.filter((m) => wanted(m) && (m.id === null || !this.known(m)));
	}

	/**
	 * Without a catch-up: the delivered messages to emit, recorded at once unless `record` is false (the history point
	 * does not move).
	 */
	takeDelivered(delivered: NormalizedMessage[], wanted: (m: NormalizedMessage) => boolean, record = true): NormalizedMessage[] {
		const emit = this.newDelivered(delivered, wanted);
		if (record) this.record(emit, delivered);
		return emit;
	}

	/** Records messages chosen earlier without recording (held for Wait for Quiet) once they are emitted. */
	recordEmitted(emitted: NormalizedMessage[], delivered: NormalizedMessage[]): void {
		this.record(emitted, delivered);
	}

	/** Records emitted messages in this process's memory (their keys, times, and for deliveries their fingerprints). */
	private record(emitted: NormalizedMessage[], delivered: NormalizedMessage[]): void {
		const mem = this.mem;
		if (!mem) return;
		const now = Math.floor(Date.now() / 1000);
		for (const m of byTimeThenOrder(emitted)) {
			// A delivered message without an id is never deduplicated: it is not recorded.
			if (m.id === null && delivered.includes(m)) continue;
			const key = messageKey(m);
			if (mem.recent.has(key)) continue;
			const t = millisOf(m.timestamp);
			const e: Entry = { t: t === null ? now : Math.floor(t / 1000) };
			if (this.wa.deliveryIdMayDiffer && delivered.includes(m)) e.fp = fingerprint(m);
			mem.recent.set(key, e);
			this.noteFingerprint(e);
		}
		if (this.wa.catchUpPerContact) this.noteContacts([...delivered, ...emitted]);
	}

	private contactsSeen: string[] | undefined;

	/** The contacts seen lately, most recent last (DoubleTick's history is read one contact at a time). */
	private noteContacts(messages: NormalizedMessage[]): void {
		const seen = messages.map((m) => m.contactNumber).filter(Boolean);
		const contacts = (this.contactsSeen ?? this.s.contacts ?? []).filter((c) => !seen.includes(c));
		for (const c of seen) if (!contacts.includes(c)) contacts.push(c);
		this.contactsSeen = contacts.slice(-MAX_CONTACTS);
	}

	/** The contacts a per-contact history (DoubleTick) is read for: those seen lately and the delivered ones. */
	contactsWith(delivered: NormalizedMessage[]): string[] {
		return [...new Set([...(this.s.contacts ?? []), ...delivered.map((m) => m.contactNumber)])].filter(Boolean);
	}

	// ---------- what this request saves ----------

	/**
	 * Writes this process's share into the static data this request saves, assigning only what differs from what it
	 * loaded: a duplicate, a status event or a filtered-out message changes nothing, so n8n writes nothing.
	 */
	commit(): void {
		const { s, mem } = this;
		if (!mem) return;
		const historyMs = this.historyMs ?? -Infinity;
		const merged = new Map(this.loaded);
		let changed = false;
		for (const [key, e] of mem.recent) {
			if (!merged.has(key)) {
				merged.set(key, e);
				changed = true;
			}
		}
		const kept = prune(merged, historyMs);
		mem.recent = prune(mem.recent, historyMs);
		if (changed || kept.size !== merged.size) {
			s.recent = [...kept].map(([key, e]): RecentEntry => (e.fp ? [key, e.t, e.fp] : [key, e.t]));
		}
		const history = isoOf(historyMs);
		if (history && s.history !== history) s.history = history;
		if (s.history && s.cursor !== undefined) {
			// Older versions' cursor: it was both the point and the floor.
			if (s.since === undefined) s.since = s.cursor;
			delete s.cursor;
		}
		const checkedAt = isoOf(this.checkedAtMs);
		if (checkedAt && s.checkedAt !== checkedAt) {
			s.checkedAt = checkedAt;
			const pending = this.pending;
			if (pending > 0 && s.pending !== pending) s.pending = pending;
			else if (pending === 0 && s.pending !== undefined) delete s.pending;
		}
		if (s.resume === true && mem.handled.includes(`resume:${s.resumeId ?? ''}`)) s.resume = false;
		const contacts = this.contactsSeen;
		if (contacts && JSON.stringify(contacts) !== JSON.stringify(s.contacts ?? [])) s.contacts = contacts;
	}
}
