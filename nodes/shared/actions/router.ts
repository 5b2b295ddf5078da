import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { createClient, createRun } from '../transport/client';
import { asNodeError } from '../errors';
import { readOptions } from '../input';
import { downloadMedia } from '../transport/media';
import { prepareGetMessage } from './operations/getMessage.operation';
import { prepareList } from './operations/list.operation';
import { prepareListConversations } from './operations/listConversations.operation';
import type { ProviderAdapter } from '../provider';
import type { PreparedOperation } from './result';
import type { RunState } from '../transport/run';
import type { HostContext, NormalizedMessage } from '../types';

function prepare(ctx: HostContext, adapter: ProviderAdapter, operation: string, itemIndex: number): PreparedOperation {
	switch (operation) {
		case 'getConversation':
		case 'getAll':
			return prepareList(ctx, adapter, operation, itemIndex);
		case 'getMessage': {
			const read = prepareGetMessage(ctx, adapter, itemIndex);
			return async (api, options) => ({ messages: await read(api, options) });
		}
		case 'listConversations':
			return prepareListConversations(ctx, adapter, itemIndex);
		default:
			throw new NodeOperationError(ctx.getNode(), `The operation "${operation}" is not supported`, { itemIndex });
	}
}

/** Turns normalized messages into output items, with media as binary data when asked. */
export async function toItems(
	messages: NormalizedMessage[],
	api: ReturnType<typeof createClient>,
	options: ReturnType<typeof readOptions>,
	itemIndex?: number,
): Promise<INodeExecutionData[]> {
	const items: INodeExecutionData[] = [];
	// One object for all items of this input, as n8n's own constructExecutionMetaData does.
	const pairedItem = itemIndex === undefined ? undefined : { item: itemIndex };
	for (const m of messages) {
		const item: INodeExecutionData = { json: m as unknown as INodeExecutionData['json'] };
		if (pairedItem) item.pairedItem = pairedItem;
		if (options.downloadMedia && m.media?.url) {
			const binary = await downloadMedia(api, m, options.maxMediaBytes);
			if (binary) item.binary = { [options.binaryPropertyName]: binary };
		}
		items.push(item);
	}
	return items;
}

/**
 * The per-item loop of every action node: every item's input is validated before the first request is sent,
 * then the items run in order; pairedItem and continueOnFail.
 */
export async function route(this: IExecuteFunctions, adapter: ProviderAdapter): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const failed = (error: unknown, item: number): INodeExecutionData => ({ json: { error: (error as Error).message }, pairedItem: { item } });
	const prepared: Array<{ run: PreparedOperation; options: ReturnType<typeof readOptions> } | { error: unknown }> = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const operation = this.getNodeParameter('operation', i) as string;
			prepared.push({ options: readOptions(this, i), run: prepare(this, adapter, operation, i) });
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError(this.getNode(), error, i);
			prepared.push({ error });
		}
	}
	const out: INodeExecutionData[] = [];
	// One run for the whole execution: the credential is read once, one rate budget and 429 pause for every item,
	// and 2Chat's plan limit is looked up at most once. It takes the first valid item's options.
	let execution: RunState | undefined;
	for (let i = 0; i < items.length; i++) {
		const item = prepared[i];
		if ('error' in item) {
			out.push(failed(item.error, i));
			continue;
		}
		try {
			execution ??= createRun(this, adapter, item.options);
			const api = createClient(this, adapter, item.options, execution, i);
			const result = await item.run(api, item.options);
			if ('json' in result) {
				for (const json of result.json) out.push({ json, pairedItem: { item: i } });
				continue;
			}
			// A loop, not push(...items): spreading hundreds of thousands of items overflows the call stack.
			for (const output of await toItems(result.messages, api, item.options, i)) out.push(output);
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError(this.getNode(), error, i);
			out.push(failed(error, i));
		}
	}
	return [out];
}
