import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

export class TwoChatApi implements ICredentialType {
	name = 'twoChatApi';

	displayName = '2Chat API';

	icon = { light: 'file:../icons/twochat.svg', dark: 'file:../icons/twochat.dark.svg' } as const;

	documentationUrl = 'https://developers.2chat.co/docs/API/authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your 2Chat API key (2Chat app → Developers → API Access)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.p.2chat.io',
			description: 'The API host without a path. Change it only for a proxy or a test server.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { 'X-User-API-Key': '={{$credentials.apiKey}}' } },
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}', url: '/open/info' },
		rules: [
			{ type: 'responseCode', properties: { value: 401, message: '2Chat rejected the API key' } },
			{ type: 'responseCode', properties: { value: 403, message: '2Chat rejected the API key' } },
		],
	};
}
