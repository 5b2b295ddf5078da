import { sleep } from 'n8n-workflow';

import type { ApiClient } from '../transport/http';
import type { Page, PageRef, ProviderAdapter } from '../provider';
import type { ListQuery } from '../types';
import { shortPage } from './stopRules';

const DAY_MS = 86_400_000;

/** The date windows of a window-style provider, newest first, covering [start, end] exactly. */
export function dateWindows(query: ListQuery, days: number, defaultRangeDays: number, now = Date.now()): Array<{ startMs: number; endMs: number }> {
	// Without an end date the range runs a day past our clock: the provider's clock may be ahead of ours.
	const end = query.endMs ?? now + DAY_MS;
	const start = query.startMs ?? (query.endMs ?? now) - defaultRangeDays * DAY_MS;
	const size = days * DAY_MS;
	const windows = [];
	for (let hi = end; hi >= start; hi -= size) windows.push({ startMs: Math.max(start, hi - size + 1), endMs: hi });
	return windows;
}

/**
 * Requests spaced by the fastest round trip ÷ concurrency. Sent together, K requests come back together and are
 * processed in one burst on n8n's single thread while nothing is in flight, for the whole run; spaced, each
 * reply is handled while the others are on the wire. The spacing never lowers the throughput below what K
 * requests in flight allow. Times are performance.now() (monotonic: a clock set back mid-run cannot turn the
 * spacing into a long wait).
 */
class Pacer {
	private fastestRoundTrip = Infinity;
	private spacing = 0;
	private nextStartAt = 0;

	/** How long the next request should wait (below 1 ms: it may start now). */
	wait(now: number): number {
		return Math.min(this.nextStartAt - now, this.spacing);
	}

	started(now: number, concurrency: number): void {
		this.spacing = concurrency > 1 && Number.isFinite(this.fastestRoundTrip) ? (0.85 * this.fastestRoundTrip) / concurrency : 0;
		this.nextStartAt = now + this.spacing;
	}

	finished(roundTrip: number): void {
		this.fastestRoundTrip = Math.min(this.fastestRoundTrip, roundTrip);
	}
}

export interface FetchedPage {
	ref: PageRef;
	page: Page;
}

/**
 * The page fetcher of page-numbered and date-window APIs: keeps up to `concurrency` requests in flight (a 429
 * halves that for the rest of the run), paced (see Pacer), never more than `pagesWanted()` pages asked for and
 * not yet consumed, and stops asking past a short page or a failed request. Pages come out in order: `head()`
 * waits for the oldest page asked for, `shift()` consumes it once its messages are out (until then it counts as a
 * page already asked for). `close()` lets pages fetched ahead finish, so no request outlives the node's run.
 */
export class PageFetcher {
	private readonly queue: Array<{ ref: PageRef; result: Promise<Page> }> = [];
	private readonly pacer = new Pacer();
	private readonly firstRound: number;
	private concurrency: number;
	private active = 0;
	private stopped = false;
	private nextIndex = 0;
	private paced: Promise<void> | undefined;
	private sentSinceMapping = false;

	constructor(
		private readonly api: ApiClient,
		private readonly adapter: ProviderAdapter,
		private readonly query: ListQuery,
		private readonly refAt: (n: number) => PageRef | undefined,
		concurrency: number,
		private readonly pagesWanted: () => number,
	) {
		this.concurrency = Math.max(1, Math.floor(concurrency));
		this.firstRound = this.concurrency;
		api.onThrottle = () => {
			this.concurrency = Math.max(1, Math.floor(this.concurrency / 2));
		};
	}

	/** The oldest page asked for and not consumed; undefined when there is none left to ask for. */
	async head(): Promise<FetchedPage | undefined> {
		this.fill();
		while (this.queue.length === 0 && this.paced) await this.paced;
		const head = this.queue[0];
		if (!head) return undefined;
		const page = await head.result;
		// Requests issued since the last page was mapped connect and write in a later turn of the event loop;
		// mapping waits for that turn so it stays off the requests' critical path.
		if (this.sentSinceMapping && this.concurrency > 1) {
			this.sentSinceMapping = false;
			await sleep(0);
		}
		return { ref: head.ref, page };
	}

	/** The head page's messages are out. */
	shift(): void {
		this.queue.shift();
	}

	async close(): Promise<void> {
		this.stopped = true;
		await Promise.allSettled(this.queue.map((f) => f.result));
	}

	private fill(): void {
		const style = this.adapter.pageStyle;
		while (!this.stopped && this.active < this.concurrency && this.queue.length < this.concurrency * 2 && this.queue.length < this.pagesWanted()) {
			const ref = this.refAt(this.nextIndex);
			if (!ref) return;
			const wait = this.pacer.wait(performance.now());
			if (wait >= 1) {
				this.paced ??= sleep(wait).then(() => {
					this.paced = undefined;
					this.fill();
				});
				return;
			}
			// The first round leaves together while n8n warms up: its round trips are not the provider's.
			const warm = this.nextIndex >= this.firstRound;
			this.nextIndex++;
			this.active++;
			const startedAt = performance.now();
			this.pacer.started(startedAt, this.concurrency);
			const result = this.adapter.listPage(this.api, this.query, ref);
			this.sentSinceMapping = true;
			// Pages fetched ahead may be abandoned; their failures must not surface as unhandled.
			result.then(
				(page) => {
					this.active--;
					if (warm) this.pacer.finished(performance.now() - startedAt);
					// A short page is the end: nothing past it is requested. With one request at a time the run
					// stays strictly sequential, so it never asks for a page it does not need.
					if (shortPage(style, page.items.length)) this.stopped = true;
					else if (this.concurrency > 1) this.fill();
				},
				() => {
					this.active--;
					this.stopped = true;
				},
			);
			this.queue.push({ ref, result });
		}
	}
}
