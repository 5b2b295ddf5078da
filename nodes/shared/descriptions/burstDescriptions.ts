import type { INodeProperties } from 'n8n-workflow';

import { MAX_QUIET_SECONDS } from '../instant/quietRules';
import { MAX_CONTEXT_MESSAGES } from '../triggerTranscript';

/** Options → Output Format of the triggers (polling and instant): per message, or one transcript per contact. */
export const triggerOutputFormatOption: INodeProperties = {
	displayName: 'Output Format',
	name: 'outputFormat',
	type: 'options',
	options: [
		{ name: 'Messages', value: 'messages', description: 'One item per new message, oldest first' },
		{
			name: 'Transcript',
			value: 'transcript',
			description:
				"One item per contact: the conversation as readable lines (with Context Messages earlier ones first), plus newMessages and newMessageCount for the lines that started the workflow",
		},
	],
	default: 'messages',
	description: 'How the new messages are handed on',
	hint: 'Transcript is made for AI agents: put the item\'s transcript in the prompt and ask for a reply to its newMessages',
};

/** Options → Context Messages: earlier lines of the conversation in front of the new ones. */
export const contextMessagesOption: INodeProperties = {
	displayName: 'Context Messages',
	name: 'contextMessages',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: MAX_CONTEXT_MESSAGES },
	default: 0,
	placeholder: '20',
	description:
		'How many earlier messages of the conversation (both sides) come before the new ones in the transcript, read from the history: the memory an AI agent needs, without a memory database',
	hint: 'E.g. 20. 0 = the new messages only. Costs one history read per contact per execution (usually one request).',
	displayOptions: { show: { outputFormat: ['transcript'] } },
};

/** Options → Wait for Quiet (instant triggers): one execution per burst of a contact's messages. */
export const waitForQuietOption: INodeProperties = {
	displayName: 'Wait for Quiet (Seconds)',
	name: 'waitForQuiet',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: MAX_QUIET_SECONDS },
	default: 0,
	placeholder: '8',
	description:
		'Start the workflow once the contact has sent nothing for this many seconds, with every message of the burst in ONE execution, oldest first. Each contact waits on their own; the provider is answered at once. 0 starts an execution per message.',
	hint: 'E.g. 8: "Hi" / "I ordered yesterday" / "where is it?" typed within seconds start one execution, 8 s after the last one. Up to 300.',
};
