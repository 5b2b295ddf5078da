import type { IBinaryData } from 'n8n-workflow';

import type { ApiClient } from './http';
import type { NormalizedMessage } from '../types';

const EXTENSIONS: Record<string, string> = {
	'image/jpeg': 'jpg',
	'image/png': 'png',
	'image/webp': 'webp',
	'image/gif': 'gif',
	'image/svg+xml': 'svg',
	'audio/ogg': 'ogg',
	'audio/mpeg': 'mp3',
	'audio/mp4': 'm4a',
	'video/mp4': 'mp4',
	'application/pdf': 'pdf',
};

function fileNameFor(m: NormalizedMessage, mimeType: string | undefined): string {
	if (m.media?.fileName) return m.media.fileName;
	try {
		const last = decodeURIComponent(new URL(m.media?.url ?? '').pathname.split('/').pop() ?? '');
		if (/\.[a-z0-9]{2,5}$/i.test(last)) return last;
	} catch {
		// not a URL we can read a name from
	}
	const ext = mimeType ? EXTENSIONS[mimeType] ?? mimeType.split('/')[1]?.replace(/[^a-z0-9]/gi, '') : undefined;
	const base = m.id ?? 'media';
	return ext ? `${base}.${ext}` : base;
}

/**
 * Fetches a media message's file as n8n binary data. A failed download marks `media.error` and returns
 * undefined: one missing file must not fail the run.
 */
export async function downloadMedia(api: ApiClient, m: NormalizedMessage, maxBytes: number): Promise<IBinaryData | undefined> {
	if (!m.media?.url) return undefined;
	try {
		const file = await api.download(m.media.url, maxBytes);
		const mimeType = m.media.mimeType ?? file.mimeType;
		// What the download told us completes the item's own description of the file.
		m.media.mimeType = mimeType ?? null;
		m.media.size = m.media.size ?? file.data.length;
		const helpers = api.ctx.helpers;
		// Registration hooks have no binary helpers; they never download media.
		if (!('prepareBinaryData' in helpers)) throw new Error('binary data is not available in this context');
		return await helpers.prepareBinaryData(file.data, fileNameFor(m, mimeType), mimeType);
	} catch (error) {
		m.media.error = `Download failed: ${api.redact((error as Error).message)}`;
		return undefined;
	}
}
