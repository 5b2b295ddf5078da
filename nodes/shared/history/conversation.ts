import { millisOf } from '../dates';
import type { ApiClient } from '../transport/http';
import type { ProviderAdapter } from '../provider';
import type { ListQuery, NormalizedMessage } from '../types';
import { paginatePages } from './paginate';

/** Pages one conversation read may take (Chirp filters contacts on our side, so its pages hold every contact). */
export const CONVERSATION_MAX_PAGES = 20;

/**
 * One contact's history, newest first, read page by page only as far as a caller needs it: the quiet check needs the
 * newest message, gathering a burst reads back to where the contact was last emitted, the transcript's context a
 * few messages further. Callers share the pages already read, so each page is requested once.
 *
 * `fromMs` is where the caller expects to stop reading. A history read in date windows (DoubleTick) is asked for
 * the windows from there on first, and for older ones only when a caller reads on past it; a paged history is
 * read from its newest page on either way (stopping is the caller's business).
 */
export class ConversationHistory {
	/** Both directions, newest first, as read so far. */
	readonly messages: NormalizedMessage[] = [];
	/** No more pages: the history's end, or the page cap. */
	ended = false;
	private pages: AsyncGenerator<NormalizedMessage[]>;
	private older?: () => AsyncGenerator<NormalizedMessage[]>;
	/** Everything from this time on has been read (date windows: the windows from `fromMs` are done). */
	private coveredFrom = Number.POSITIVE_INFINITY;

	constructor(client: ApiClient, adapter: ProviderAdapter, query: ListQuery, includeRaw: boolean, fromMs?: number, maxPages = CONVERSATION_MAX_PAGES) {
		const conversation: ListQuery = { businessNumber: query.businessNumber, contactNumber: query.contactNumber };
		const read = (range: ListQuery) => paginatePages(client, adapter, { ...conversation, ...range }, { concurrency: 1, includeRaw, maxPages });
		if (adapter.pageStyle.kind === 'windows' && fromMs !== undefined && Number.isFinite(fromMs)) {
			this.pages = read({ startMs: fromMs });
			this.older = () => {
				this.coveredFrom = fromMs;
				return read({ endMs: fromMs - 1 });
			};
		} else {
			this.pages = read({});
		}
	}

	/** Reads further pages until `enough` says so (it sees everything read so far) or the history ends. */
	async readUntil(enough: (newestFirst: NormalizedMessage[]) => boolean): Promise<NormalizedMessage[]> {
		while (!this.ended && !enough(this.messages)) await this.step();
		return this.messages;
	}

	/** Every message from `fromMs` on has been read: the read reached an older one, or the windows from there are done. */
	covers(fromMs: number): boolean {
		return this.ended || this.coveredFrom <= fromMs || this.messages.some((m) => (millisOf(m.timestamp) ?? Number.POSITIVE_INFINITY) < fromMs);
	}

	/** Reads back until every message from `fromMs` on has been read. */
	async readBack(fromMs: number): Promise<NormalizedMessage[]> {
		return await this.readUntil(() => this.covers(fromMs));
	}

	private async step(): Promise<void> {
		const next = await this.pages.next();
		if (!next.done) {
			for (const m of next.value) this.messages.push(m);
		} else if (this.older) {
			this.pages = this.older();
			this.older = undefined;
		} else {
			this.ended = true;
		}
	}

	/** Stops the read (pages fetched ahead are let finish). */
	async close(): Promise<void> {
		if (!this.ended) await this.pages.return(undefined);
		this.ended = true;
	}
}
