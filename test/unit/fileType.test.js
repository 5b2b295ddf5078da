// 99digital (and any provider) "file" messages: the type comes from the link's MIME type or extension.
const { fileType } = require('../../dist/nodes/shared/fileType');

describe('fileType', () => {
	test.each([
		['https://api.99digital.co.il/media/photo.jpg', 'image'],
		['https://cdn.example.com/a/b/IMG_0001.JPEG?X-Amz-Signature=abc&X-Amz-Expires=600', 'image'],
		['https://cdn.example.com/sticker.webp#frag', 'image'],
		['https://cdn.example.com/clip.mp4', 'video'],
		['https://cdn.example.com/clip.MOV', 'video'],
		['https://cdn.example.com/note.ogg', 'audio'],
		['https://cdn.example.com/song.mp3?x=1', 'audio'],
		['https://cdn.example.com/invoice.pdf', 'document'],
		['https://cdn.example.com/sheet.xlsx', 'document'],
		['https://cdn.example.com/download?id=123', 'document'],
		['https://cdn.example.com/file.jpg/download', 'document'],
		['https://cdn.example.com/my%20photo.png', 'image'],
		['data:image/png;base64,iVBORw0KGgo=', 'image'],
		['media/voice.opus', 'audio'],
		['', 'document'],
		[null, 'document'],
		[undefined, 'document'],
	])('%s → %s', (link, type) => {
		expect(fileType(link)).toBe(type);
	});

	test('a known MIME type wins over the extension', () => {
		expect(fileType('https://cdn.example.com/download?id=1', 'image/jpeg')).toBe('image');
		expect(fileType('https://cdn.example.com/x.bin', 'video/mp4; codecs=avc1')).toBe('video');
		expect(fileType('https://cdn.example.com/x.jpg', 'application/pdf')).toBe('document');
		expect(fileType('https://cdn.example.com/x.pdf', 'application/pdf')).toBe('document');
	});

	test('a generic octet-stream MIME type leaves it to the extension', () => {
		expect(fileType('https://cdn.example.com/x.jpg', 'application/octet-stream')).toBe('image');
		expect(fileType('https://cdn.example.com/download?id=1', 'application/octet-stream')).toBe('document');
	});
});
