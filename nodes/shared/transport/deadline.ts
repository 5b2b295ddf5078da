import { sleep } from 'n8n-workflow';

/** Longest the clock sleeps before looking again: how long an idle clock lingers after its last try ended. */
export const CLOCK_TICK_MS = 100;

/** One try's total deadline: `expired` resolves at `at`, unless the try ended first (`end`); then it never settles. */
export interface Deadline {
	readonly at: number;
	readonly expired: Promise<void>;
	end(): void;
}

interface Watched {
	at: number;
	expire: () => void;
}

/**
 * Watches the total deadlines of one run's tries with one sleeping loop. A timer and an abort signal per request
 * (each cancelled with an error when the reply came in time, which is nearly always) cost n8n's one thread more
 * than mapping the page did (profiled); here a try costs a promise and a set entry, and the run one wake-up per
 * tick while tries are in flight.
 */
export class DeadlineClock {
	private readonly watched = new Set<Watched>();
	private running = false;

	start(timeoutMs: number): Deadline {
		let expire!: () => void;
		const expired = new Promise<void>((resolve) => (expire = resolve));
		const entry: Watched = { at: Date.now() + timeoutMs, expire };
		this.watched.add(entry);
		if (!this.running) void this.loop();
		return { at: entry.at, expired, end: () => this.watched.delete(entry) };
	}

	/** Tries being watched (for tests: an ended try leaves nothing behind). */
	get size(): number {
		return this.watched.size;
	}

	private async loop(): Promise<void> {
		this.running = true;
		try {
			while (this.watched.size > 0) {
				await sleep(Math.max(0, Math.min(this.earliest() - Date.now(), CLOCK_TICK_MS)));
				const now = Date.now();
				for (const entry of this.watched) {
					if (entry.at > now) continue;
					this.watched.delete(entry);
					entry.expire();
				}
			}
		} finally {
			this.running = false;
		}
	}

	private earliest(): number {
		let at = Infinity;
		for (const entry of this.watched) at = Math.min(at, entry.at);
		return at;
	}
}
