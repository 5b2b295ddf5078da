import { sleep } from 'n8n-workflow';

/**
 * A requests-per-minute budget (token bucket, bursts up to the per-minute figure), so documented rate limits
 * are respected up front instead of only after a 429. `perMinute` 0 or less means no budget.
 */
export class RequestBudget {
	private tokens: number;
	private last = Date.now();

	constructor(private perMinute: number) {
		this.tokens = perMinute;
	}

	/** Sets the rate once the real limit is known (e.g. read from the provider). */
	setRate(perMinute: number): void {
		if (perMinute > 0 && this.perMinute > 0) {
			this.refill();
			this.tokens = Math.min(this.tokens, perMinute);
			this.perMinute = perMinute;
		}
	}

	/** Tokens left before the budget starts to pace requests. */
	get remaining(): number {
		this.refill();
		return this.perMinute > 0 ? this.tokens : Infinity;
	}

	async take(): Promise<void> {
		if (this.perMinute <= 0) return;
		for (;;) {
			this.refill();
			if (this.tokens >= 1) {
				this.tokens -= 1;
				return;
			}
			await sleep(Math.ceil(((1 - this.tokens) * 60_000) / this.perMinute));
		}
	}

	private refill(): void {
		const now = Date.now();
		this.tokens = Math.min(this.perMinute, this.tokens + ((now - this.last) * this.perMinute) / 60_000);
		this.last = now;
	}
}
