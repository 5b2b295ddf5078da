import { abortableSleep } from './wait';

/**
 * A requests-per-minute budget (token bucket, bursts up to the per-minute figure), so documented rate limits
 * are respected up front instead of only after a 429. `perMinute` 0 or less means no budget.
 *
 * It is also the run's gate for every request: after a 429 the whole run is paused (`pauseUntil`) and no
 * request starts, from any lane, until that time has passed. Waiting requests are woken whenever the gate
 * changes (a higher rate, a pause), so they never sleep on a figure that no longer holds.
 */
export class RequestBudget {
	private tokens: number;
	private last = Date.now();
	private pausedUntil = 0;
	private readonly sleepers = new Set<AbortController>();

	constructor(private perMinute: number) {
		this.tokens = perMinute;
	}

	/** Sets the rate once the real limit is known (e.g. read from the provider); waiting requests are re-timed. */
	setRate(perMinute: number): void {
		if (perMinute > 0 && this.perMinute > 0) {
			this.refill();
			// Tokens earned at the old rate stay; the bucket's size follows the new rate.
			this.tokens = Math.min(this.tokens, perMinute);
			this.perMinute = perMinute;
			this.wake();
		}
	}

	get rate(): number {
		return this.perMinute;
	}

	/** No request starts before `untilMs` (epoch ms); requests already sent are not affected. */
	pauseUntil(untilMs: number): void {
		if (untilMs > this.pausedUntil) {
			this.pausedUntil = untilMs;
			this.wake();
		}
	}

	get pausedUntilMs(): number {
		return this.pausedUntil;
	}

	/** Tokens left before the budget starts to pace requests. */
	get remaining(): number {
		this.refill();
		return this.perMinute > 0 ? this.tokens : Infinity;
	}

	/** Waits until a request may start: the run is not paused and the rate allows one more. */
	async take(): Promise<void> {
		for (;;) {
			const now = Date.now();
			if (now < this.pausedUntil) {
				await this.nap(this.pausedUntil - now);
				continue;
			}
			if (this.perMinute <= 0) return;
			this.refill();
			if (this.tokens >= 1) {
				this.tokens -= 1;
				return;
			}
			await this.nap(Math.ceil(((1 - this.tokens) * 60_000) / this.perMinute));
		}
	}

	/** A sleep that `wake()` cuts short. */
	private async nap(ms: number): Promise<void> {
		const controller = new AbortController();
		this.sleepers.add(controller);
		try {
			await abortableSleep(ms, controller.signal);
		} catch {
			// woken early: the caller re-checks the gate
		} finally {
			this.sleepers.delete(controller);
		}
	}

	private wake(): void {
		for (const sleeper of this.sleepers) sleeper.abort();
		this.sleepers.clear();
	}

	private refill(): void {
		const now = Date.now();
		if (this.perMinute > 0) this.tokens = Math.min(this.perMinute, this.tokens + ((now - this.last) * this.perMinute) / 60_000);
		this.last = now;
	}
}
