import type { ApiClient } from '../../transport/http';
import { readLimit, readListQuery, timezone } from '../../input';
import type { RunOptions } from '../../input';
import { paginatePages } from '../../history/paginate';
import type { ProviderAdapter } from '../../provider';
import { buildTranscript } from '../../transcript';
import type { Transcript } from '../../transcript';
import type { HostContext, NormalizedMessage } from '../../types';

/** Get Conversation and Get Many (Get All, paginate): the same engine, different required parameters. */
export function prepareList(ctx: HostContext, adapter: ProviderAdapter, op: 'getConversation' | 'getAll', itemIndex: number) {
	const query = readListQuery(ctx, adapter, op, itemIndex);
	const limit = readLimit(ctx, itemIndex);
	const run = async (api: ApiClient, options: RunOptions): Promise<NormalizedMessage[]> => {
		const out: NormalizedMessage[] = [];
		for await (const page of paginatePages(api, adapter, query, { limit, concurrency: options.concurrency, includeRaw: options.includeRaw })) {
			for (const m of page) out.push(m);
		}
		return out;
	};
	/** The same messages as one transcript item, when the run's output format asks for it. */
	const transcript = (messages: NormalizedMessage[], options: RunOptions): Transcript | undefined =>
		wantsTranscript(ctx, options)
			? buildTranscript(messages, { provider: adapter.id, query, timeZone: timezone(ctx), maxLength: options.maxTranscriptLength })
			: undefined;
	return { run, transcript };
}

/**
 * The user's Output Format when set; otherwise messages, except when an AI agent calls the node as a tool
 * (n8n runs it as the node type "<name>Tool"): a transcript is what an agent can use as it is.
 */
export function wantsTranscript(ctx: HostContext, options: RunOptions): boolean {
	if (options.outputFormat) return options.outputFormat === 'transcript';
	return /Tool$/.test(ctx.getNode().type);
}
