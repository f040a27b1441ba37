/**
 * A delivery's body as UTF-8 bytes, encoded once: signing, Content-Length and the
 * POST each need them, one after the other for the same body. Encoding it three
 * times over cost a burst three copies of every body.
 */
let lastText: string | undefined;
let lastBytes = Buffer.alloc(0);

/** The UTF-8 bytes of `text`; the same Buffer for the same text asked for again in a row. */
export function utf8(text: string): Buffer {
  // The same string object compares by pointer: this check costs nothing on a hit.
  if (text !== lastText) {
    lastBytes = Buffer.from(text, 'utf8');
    lastText = text;
  }
  return lastBytes;
}
