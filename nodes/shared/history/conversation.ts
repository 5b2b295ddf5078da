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
 */
export class ConversationHistory {
	/** Both directions, newest first, as read so far. */
	readonly messages: NormalizedMessage[] = [];
	/** No more pages: the history's end, or the page cap. */
	ended = false;
	private readonly pages: AsyncGenerator<NormalizedMessage[]>;

	constructor(client: ApiClient, adapter: ProviderAdapter, query: ListQuery, includeRaw: boolean, maxPages = CONVERSATION_MAX_PAGES) {
		const conversation: ListQuery = { businessNumber: query.businessNumber, contactNumber: query.contactNumber };
		this.pages = paginatePages(client, adapter, conversation, { concurrency: 1, includeRaw, maxPages });
	}

	/** Reads further pages until `enough` says so (it sees everything read so far) or the history ends. */
	async readUntil(enough: (newestFirst: NormalizedMessage[]) => boolean): Promise<NormalizedMessage[]> {
		while (!this.ended && !enough(this.messages)) {
			const next = await this.pages.next();
			if (next.done) this.ended = true;
			else for (const m of next.value) this.messages.push(m);
		}
		return this.messages;
	}

	/** Stops the read (pages fetched ahead are let finish). */
	async close(): Promise<void> {
		if (!this.ended) await this.pages.return(undefined);
		this.ended = true;
	}
}
