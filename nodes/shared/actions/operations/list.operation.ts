import type { ApiClient } from '../../transport/http';
import { inputError } from '../../errors';
import { readLimit, readListQuery, readOptions, timezone } from '../../input';
import type { OutputFormat, RunOptions } from '../../input';
import { paginatePages } from '../../history/paginate';
import type { ProviderAdapter } from '../../provider';
import type { OperationResult, PreparedOperation } from '../result';
import { buildTranscript } from '../../transcript';
import { buildTranscriptsPerContact } from '../../transcriptPerContact';
import type { HostContext, NormalizedMessage } from '../../types';

/** Get Conversation and Get Many (Get All, paginate): the same engine, different required parameters. */
export function prepareList(ctx: HostContext, adapter: ProviderAdapter, op: 'getConversation' | 'getAll', itemIndex: number): PreparedOperation {
	const query = readListQuery(ctx, adapter, op, itemIndex);
	const limit = readLimit(ctx, itemIndex);
	if (op !== 'getAll' && readOptions(ctx, itemIndex).outputFormat === 'transcriptPerContact') {
		throw inputError(
			ctx.getNode(),
			'The option "Output Format" (outputFormat) "Transcript per Contact" is for Get Many: Get Conversation is one contact, use "Transcript"',
			itemIndex,
		);
	}
	const read = async (api: ApiClient, options: RunOptions): Promise<NormalizedMessage[]> => {
		const out: NormalizedMessage[] = [];
		for await (const page of paginatePages(api, adapter, query, { limit, concurrency: options.concurrency, includeRaw: options.includeRaw })) {
			for (const m of page) out.push(m);
		}
		return out;
	};
	return async (api, options): Promise<OperationResult> => {
		const messages = await read(api, options);
		const format = outputFormatOf(ctx, options);
		if (format === 'messages') return { messages };
		const settings = { provider: adapter.id, query, timeZone: timezone(ctx), maxLength: options.maxTranscriptLength };
		// The same messages as one transcript item, or one per contact.
		if (format === 'transcript') return { json: [buildTranscript(messages, settings)] };
		return { json: buildTranscriptsPerContact(messages, settings) };
	};
}

/**
 * The user's Output Format when set; otherwise messages, except when an AI agent calls the node as a tool
 * (n8n runs it as the node type "<name>Tool"): a transcript is what an agent can use as it is.
 */
export function outputFormatOf(ctx: HostContext, options: RunOptions): OutputFormat {
	if (options.outputFormat) return options.outputFormat;
	return /Tool$/.test(ctx.getNode().type) ? 'transcript' : 'messages';
}
