import { randomBytes } from 'crypto';
import type { IWebhookFunctions } from 'n8n-workflow';

import { millisOf } from '../dates';
import type { NormalizedMessage } from '../types';
import type { InstantState, WebhookAdapter } from './types';

/**
 * This n8n process. A delivery handled by another process than the last one marks the trigger as resumed, so a
 * restart is noticed even where n8n does not call `checkExists` at start (n8n 2.40 keeps published webhooks).
 */
export const PROCESS = randomBytes(6).toString('hex');

const MAX_RECENT = 1000;
const MAX_CONTACTS = 50;

/** An ISO time we stored ourselves, in ms; -Infinity when it is missing or unreadable. */
export function at(iso: string | undefined): number {
	return millisOf(iso) ?? Number.NEGATIVE_INFINITY;
}

/** Oldest first; equal times keep their order. */
export function byTimeThenOrder(list: NormalizedMessage[]): NormalizedMessage[] {
	return list
		// A message without a usable time is taken as the newest (it was just delivered or just read).
		.map((m, i) => ({ m, i, t: millisOf(m.timestamp) ?? Number.POSITIVE_INFINITY }))
		.sort((a, b) => (a.t === b.t ? a.i - b.i : a.t < b.t ? -1 : 1))
		.map((x) => x.m);
}

/** Per n8n process: what concurrent requests of one trigger registration share. */
interface ProcessMemory {
	ids: string[];
	idSet: Set<string>;
	cursorMs: number;
	checkedAt?: string;
	/** Catch-ups running now, by cause; causes already handled. */
	claims: Map<string, Promise<void>>;
	handled: Set<string>;
}
const memories = new Map<string, ProcessMemory>();
const MAX_MEMORIES = 500;

function memoryOf(ctx: IWebhookFunctions, secret: string): ProcessMemory {
	const key = `${ctx.getWorkflow().id ?? ''}/${ctx.getNode().id}/${secret}`;
	let mem = memories.get(key);
	if (!mem) {
		mem = { ids: [], idSet: new Set(), cursorMs: -Infinity, claims: new Map(), handled: new Set() };
		memories.set(key, mem);
		if (memories.size > MAX_MEMORIES) memories.delete(memories.keys().next().value as string);
	}
	return mem;
}

/** What a catch-up read found: the messages it may emit and everything it saw. */
export interface Found {
	candidates: NormalizedMessage[];
	seen: NormalizedMessage[];
}

/**
 * The trigger's ledger as one delivery sees it: which messages were emitted (their ids), where the history was
 * read up to (cursor, checkedAt), which catch-up is due, running (claims) or done (handled) in this n8n process, and
 * what this request saves in the static data. n8n gives each request its own copy of the static data, read without a
 * lock and saved after the request (the last save wins), so the ledger keeps this process's share in memory and each
 * request saves all of it. A test run ("Listen for test event") has no ledger: it records nothing.
 */
export class Ledger {
	private readonly recent: Set<string>;

	private constructor(
		private readonly s: InstantState,
		private readonly wa: WebhookAdapter,
		private readonly mem: ProcessMemory | undefined,
	) {
		this.recent = new Set(s.recent ?? []);
	}

	static open(ctx: IWebhookFunctions, s: InstantState, wa: WebhookAdapter, secret: string, manual: boolean): Ledger {
		return new Ledger(s, wa, manual ? undefined : memoryOf(ctx, secret));
	}

	/** A message this trigger emitted already (a retry, a duplicate, or one a catch-up brought). */
	known(id: string | null): boolean {
		return id !== null && !!this.mem && (this.recent.has(id) || this.mem.idSet.has(id));
	}

	/** Where catch-up reads from: the newest message time seen; undefined before the first activation stored one. */
	get cursorMs(): number | undefined {
		return this.s.cursor ? at(this.s.cursor) : undefined;
	}

	/**
	 * What asks for a catch-up now: a start or re-activation (resume), or a long silence; undefined when none is due
	 * or this process handled it already. Concurrent requests of this process share one catch-up per cause.
	 */
	dueCatchUp(now: number, enabled: boolean, gapCheckMs: number): string | undefined {
		const s = this.s;
		if (!this.mem || !enabled || s.cursor === undefined) return undefined;
		const cause = s.resume === true ? `resume:${s.resumeId ?? ''}` : !s.checkedAt || now - at(s.checkedAt) > gapCheckMs ? `gap:${s.checkedAt ?? ''}` : undefined;
		return cause && !this.mem.handled.has(cause) ? cause : undefined;
	}

	/**
	 * Runs the catch-up of `cause` unless another request of this process is running it: then waits for that one and
	 * resolves undefined (what it emits is not emitted again). A failed read leaves the cause open for the next delivery.
	 */
	async catchUp(cause: string, read: () => Promise<Found>): Promise<Found | undefined> {
		const mem = this.mem as ProcessMemory;
		const running = mem.claims.get(cause);
		if (running) {
			await running;
			return undefined;
		}
		let done = (): void => undefined;
		mem.claims.set(cause, new Promise<void>((resolve) => (done = resolve)));
		const startedAt = new Date().toISOString();
		try {
			const found = await read();
			mem.handled.add(cause);
			mem.checkedAt = startedAt;
			return found;
		} finally {
			mem.claims.delete(cause);
			done();
		}
	}

	/**
	 * The messages to emit (new and wanted), recorded at once with everything seen: no await between choosing and
	 * recording, so concurrent requests see these ids as taken. `moveCursor` false after a failed catch-up.
	 */
	take(candidates: NormalizedMessage[], seen: NormalizedMessage[], wanted: (m: NormalizedMessage) => boolean, moveCursor: boolean): NormalizedMessage[] {
		const out = candidates.filter((m) => !this.known(m.id) && wanted(m));
		this.record(seen, moveCursor);
		return out;
	}

	/**
	 * Records messages as seen, in this process's memory and in the static data this request saves: their ids (no second
	 * execution), the cursor (unless told not to), the contacts, and what concurrent requests of this process recorded.
	 */
	record(messages: NormalizedMessage[], moveCursor = true): void {
		const { s, mem, wa } = this;
		if (!mem) return;
		for (const m of byTimeThenOrder(messages)) {
			if (m.id === null || mem.idSet.has(m.id)) continue;
			mem.idSet.add(m.id);
			mem.ids.push(m.id);
		}
		while (mem.ids.length > MAX_RECENT) mem.idSet.delete(mem.ids.shift() as string);
		// A message without a usable time never moves the cursor.
		if (moveCursor) for (const m of messages) mem.cursorMs = Math.max(mem.cursorMs, millisOf(m.timestamp) ?? -Infinity);

		const ids = [...(s.recent ?? [])];
		const known = new Set(ids);
		for (const id of mem.ids) {
			if (!known.has(id)) {
				ids.push(id);
				known.add(id);
			}
		}
		s.recent = ids.slice(-MAX_RECENT);
		const newest = Math.max(s.cursor ? at(s.cursor) : -Infinity, mem.cursorMs);
		if (Number.isFinite(newest)) s.cursor = new Date(newest).toISOString();
		if (s.resume && mem.handled.has(`resume:${s.resumeId ?? ''}`)) s.resume = false;
		if (mem.checkedAt && (!s.checkedAt || at(mem.checkedAt) > at(s.checkedAt))) s.checkedAt = mem.checkedAt;
		else if (!s.checkedAt) s.checkedAt = new Date().toISOString();
		if (wa.catchUpPerContact) {
			const contacts = (s.contacts ?? []).filter((c) => !messages.some((m) => m.contactNumber === c));
			for (const m of messages) if (m.contactNumber && !contacts.includes(m.contactNumber)) contacts.push(m.contactNumber);
			s.contacts = contacts.slice(-MAX_CONTACTS);
		}
	}

	/** The contacts a per-contact history (DoubleTick) is read for: those seen lately and the delivered ones. */
	contactsWith(delivered: NormalizedMessage[]): string[] {
		return [...new Set([...(this.s.contacts ?? []), ...delivered.map((m) => m.contactNumber)])];
	}
}
