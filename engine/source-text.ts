/**
 * Turns a file's bytes into the text codemods see, and their output back into bytes, so that a
 * file's encoding details survive byte for byte: a UTF-8 BOM is kept, CRLF line endings stay CRLF
 * (lines a codemod inserts get them too). Anything that is not UTF-8 text is refused with a reason.
 */
export type Decoded = { ok: true; text: string; bom: boolean; crlf: boolean } | { ok: false; reason: string };

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function decodeSource(bytes: Uint8Array): Decoded {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if ((b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) || (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff)) {
    return { ok: false, reason: 'UTF-32 encoded; convert it to UTF-8 to run codemods on it' };
  }
  if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff)) {
    return { ok: false, reason: 'UTF-16 encoded; convert it to UTF-8 to run codemods on it' };
  }
  if (b.includes(0)) return { ok: false, reason: 'not a text file (contains NUL bytes)' };
  const bom = b.subarray(0, 3).equals(UTF8_BOM);
  let text: string;
  try {
    text = decoder.decode(bom ? b.subarray(3) : b);
  } catch {
    return { ok: false, reason: 'not a text file (invalid UTF-8); if it is text in another encoding, convert it to UTF-8' };
  }
  // CRLF only when every line break is one; a mixed file is left as the codemods wrote it.
  const crlf = text.includes('\r\n') && !/(^|[^\r])\n/.test(text);
  return { ok: true, text, bom, crlf };
}

/** The text with the original's line endings: in a CRLF file, lines a codemod added end in CRLF too. */
export function restoreLineEndings(text: string, original: { crlf: boolean }): string {
  return original.crlf ? text.replace(/\r?\n/g, '\r\n') : text;
}

export function encodeSource(text: string, original: { bom: boolean; crlf: boolean }): Buffer {
  const bytes = Buffer.from(restoreLineEndings(text, original), 'utf8');
  return original.bom ? Buffer.concat([UTF8_BOM, bytes]) : bytes;
}
