import type { MessageType } from './types';

const BY_EXTENSION: Record<string, MessageType> = {};
const add = (type: MessageType, extensions: string) => extensions.split(' ').forEach((e) => (BY_EXTENSION[e] = type));
add('image', 'jpg jpeg jpe png gif webp bmp heic heif tif tiff avif');
add('video', 'mp4 m4v mov 3gp 3g2 webm mkv avi mpeg mpg');
add('audio', 'mp3 m4a aac ogg oga opus wav amr flac weba');

/** `image`, `video` or `audio` from a MIME type such as `image/jpeg; charset=…`, else null. */
function fromMime(mimeType: string | null | undefined): MessageType | null {
	const top = typeof mimeType === 'string' ? /^\s*(image|video|audio)\//i.exec(mimeType)?.[1] : undefined;
	return top ? (top.toLowerCase() as MessageType) : null;
}

/** The extension of a link's last path segment (query and fragment ignored), lower-cased, else null. */
function extensionOf(link: string): string | null {
	let path = link;
	try {
		path = new URL(link).pathname;
	} catch {
		path = link.split(/[?#]/)[0];
	}
	const last = path.split('/').pop() ?? '';
	let name = last;
	try {
		name = decodeURIComponent(last);
	} catch {
		name = last;
	}
	const m = /\.([a-z0-9]{1,5})$/i.exec(name);
	return m ? m[1].toLowerCase() : null;
}

/**
 * The type of a generic "file" message from what its link shows: the MIME type when one is known (also a
 * `data:` link's; a generic application/octet-stream does not count), else the file extension; `document` when
 * neither says image, video or audio.
 * e.g. `https://cdn.example/abc/photo.JPG?sig=…` → `image`, `…/invoice.pdf` → `document`.
 */
export function fileType(link: string | null | undefined, mimeType?: string | null): MessageType {
	const declared = typeof mimeType === 'string' ? mimeType.trim() : '';
	const mime = fromMime(declared) ?? (typeof link === 'string' ? fromMime(/^data:([^;,]+)/i.exec(link)?.[1]) : null);
	if (mime) return mime;
	// A specific MIME type that is not image/video/audio (e.g. application/pdf) is a document whatever the link says.
	if (declared && !/^(application|binary)\/octet-stream\b/i.test(declared)) return 'document';
	const ext = typeof link === 'string' && link ? extensionOf(link.trim()) : null;
	return (ext && BY_EXTENSION[ext]) || 'document';
}
