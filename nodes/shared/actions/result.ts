import type { IDataObject } from 'n8n-workflow';

import type { ApiClient } from '../transport/http';
import type { RunOptions } from '../input';
import type { NormalizedMessage } from '../types';

/**
 * What one input item's operation hands back: messages (one output item each, media downloaded when asked), or
 * items already shaped (a transcript, transcripts per contact, conversations).
 */
export type OperationResult = { messages: NormalizedMessage[] } | { json: IDataObject[] };

/** An operation whose input has been read and validated: it only sends requests when run. */
export type PreparedOperation = (api: ApiClient, options: RunOptions) => Promise<OperationResult>;
