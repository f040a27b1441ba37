/** The app's answer in one line: what reports and listen show of a non-2xx body, never a terminal escape. */
import { describe, expect, it } from 'vitest';
import { answeredError, answerText } from '../../src/lib/answer.js';

describe('answeredError', () => {
  it('folds the body into one line, cut at 120 characters', () => {
    expect(answeredError(500, '{\n  "error": "boom"\n}')).toBe('the app answered 500: { "error": "boom" }');
    expect(answeredError(502, 'x'.repeat(200))).toBe(`the app answered 502: ${'x'.repeat(119)}…`);
    expect(answeredError(404, '')).toBe('the app answered 404');
  });

  it('shows control characters from the app as their escapes: an escape sequence never reaches the terminal', () => {
    const text = answeredError(500, 'boom\x1b]0;owned\x07 \x1b[2J\x1b[31mred\x00\u202e');
    expect(text).not.toMatch(/\p{Cc}/u);
    expect(text).toBe('the app answered 500: boom\\x1b]0;owned\\x07 \\x1b[2J\\x1b[31mred\\x00\\u202e');
  });
});

describe('answerText', () => {
  const EXPRESS_404 = '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot POST /webhooks</pre>\n</body>\n</html>\n';

  it("shows an HTML page as its text: Express's default 404 is its <pre> message", () => {
    expect(answerText(EXPRESS_404)).toBe('Cannot POST /webhooks');
    expect(answerText(EXPRESS_404, 'text/html; charset=utf-8')).toBe('Cannot POST /webhooks');
    expect(answeredError(404, answerText(EXPRESS_404))).toBe('the app answered 404: Cannot POST /webhooks');
  });

  it('else the title, then the text of the body, without scripts, styles or comments; entities decoded', () => {
    const page = '<html><head><title>403 Forbidden</title><style>h1{color:red}</style><script>var a = "<b>";</script></head>'
      + '<body><!-- <p>hidden</p> --><h1>Signature check failed</h1><p>Tom &amp; Jerry &lt;3 &#8364;&#x41;&nbsp;&bogus;</p><svg/><p>end</p></body></html>';
    expect(answerText(page)).toBe('403 Forbidden — Signature check failed Tom & Jerry <3 €A &bogus; end');
    // nginx repeats its title as the heading: once is enough.
    expect(answerText('<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>'))
      .toBe('404 Not Found nginx/1.25.3');
  });

  it('decides by Content-Type, or a body that opens like a page; anything else is left as it is', () => {
    expect(answerText('<p>Bad <b>signature</b></p>', 'text/html')).toBe('Bad signature');
    expect(answerText('<p>Bad <b>signature</b></p>')).toBe('<p>Bad <b>signature</b></p>');
    expect(answerText('{"error":"<b>no</b>"}', 'application/json')).toBe('{"error":"<b>no</b>"}');
    expect(answerText('  <!doctype HTML><title>x</title>')).toBe('x');
  });

  it('a page cut short (a 2 KiB excerpt) keeps the text before the cut', () => {
    expect(answerText('<html><body><pre>Cannot POST /webhooks</pre><p>more <a href="/x"')).toBe('Cannot POST /webhooks');
    expect(answerText('<html><body><p>Internal error in handler</p><script>while (true) {')).toBe('Internal error in handler');
  });

  it('takes linear time on hostile markup', () => {
    const hostile = ['<'.repeat(200_000), '<script>'.repeat(50_000), `<html>${'<!--'.repeat(50_000)}`, `<html>${'&#'.repeat(100_000)}`, `<html><pre>${'<a '.repeat(100_000)}`];
    const started = performance.now();
    for (const body of hostile) answerText(body, 'text/html');
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
