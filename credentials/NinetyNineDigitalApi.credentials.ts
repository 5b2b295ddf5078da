import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

export class NinetyNineDigitalApi implements ICredentialType {
	name = 'ninetyNineDigitalApi';

	displayName = '99digital API';

	icon = { light: 'file:../icons/99digital.svg', dark: 'file:../icons/99digital.dark.svg' } as const;

	documentationUrl = 'https://docs.99digital.co.il/whatsapp-api/get-history';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The API key of your 99digital WhatsApp number',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.99digital.co.il',
			description: 'The API host without a path. Change it only for a proxy or a test server.',
			hint: 'Keep the default unless your requests go through a proxy, or you try the node against a local test server (npm run start:n8n sets one up): the host only, no path',
		},
	];

	// 99digital takes the key in the JSON body of every request, not in a header.
	// A function rather than n8n's generic template: n8n evaluates a template as an expression on every request,
	// a fifth of its own work per page when a run pages through a long history.
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		let body: unknown = requestOptions.body ?? {};
		if (typeof body === 'string') {
			try {
				body = JSON.parse(body || '{}');
			} catch {
				return requestOptions;
			}
		}
		// Only a JSON object can carry the key (form data, buffers and lists are left as they are).
		if (!body || typeof body !== 'object' || Array.isArray(body) || Buffer.isBuffer(body) || body instanceof URLSearchParams) {
			return requestOptions;
		}
		return { ...requestOptions, body: { ...(body as Record<string, unknown>), apiKey: String(credentials.apiKey ?? '') } };
	}

	test: ICredentialTestRequest = {
		request: {
			// A redirect is not followed: the key goes only to the Base URL's own host (n8n's helper would send
			// custom headers and bodies to another host).
			disableFollowRedirect: true,
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/whatsapp/v2/getHistory',
			method: 'POST',
			body: { page: 1 },
		},
		rules: [
			{ type: 'responseSuccessBody', properties: { key: 'reason', value: 3, message: '99digital rejected the API key' } },
			{ type: 'responseSuccessBody', properties: { key: 'reason', value: '3', message: '99digital rejected the API key' } },
		],
	};
}
