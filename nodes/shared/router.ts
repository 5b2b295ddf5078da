import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { RequestBudget } from './budget';
import { createClient } from './client';
import { asNodeError } from './errors';
import { readOptions } from './input';
import { downloadMedia } from './media';
import { prepareGetMessage } from './operations/getMessage.operation';
import { prepareList } from './operations/list.operation';
import type { ProviderAdapter } from './provider';
import type { HostContext, NormalizedMessage } from './types';

function prepare(ctx: HostContext, adapter: ProviderAdapter, operation: string, itemIndex: number) {
	switch (operation) {
		case 'getConversation':
		case 'getAll':
			return prepareList(ctx, adapter, operation, itemIndex);
		case 'getMessage':
			return prepareGetMessage(ctx, adapter, itemIndex);
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
	for (const m of messages) {
		const item: INodeExecutionData = { json: m as unknown as INodeExecutionData['json'] };
		if (itemIndex !== undefined) item.pairedItem = { item: itemIndex };
		if (options.downloadMedia && m.media?.url) {
			const binary = await downloadMedia(api, m, options.maxMediaBytes);
			if (binary) item.binary = { [options.binaryPropertyName]: binary };
		}
		items.push(item);
	}
	return items;
}

/** The per-item loop of every action node: validation first, then requests; pairedItem and continueOnFail. */
export async function route(this: IExecuteFunctions, adapter: ProviderAdapter): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	let budget: RequestBudget | undefined;
	for (let i = 0; i < items.length; i++) {
		try {
			const operation = this.getNodeParameter('operation', i) as string;
			const options = readOptions(this, i);
			const run = prepare(this, adapter, operation, i);
			const api = createClient(this, adapter, options, budget, i);
			budget = api.budget;
			const messages = await run(api, options);
			out.push(...(await toItems(messages, api, options, i)));
		} catch (error) {
			if (this.continueOnFail()) {
				out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
				continue;
			}
			throw asNodeError(this.getNode(), error, i);
		}
	}
	return [out];
}
