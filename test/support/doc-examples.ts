/**
 * The code examples of a Markdown page, for test/e2e/api-doc-examples.test.ts: every ```ts and ```js block, with
 * the words after the language (```ts run: the example runs offline, against a local app, as well as compiling).
 */
export interface DocExample {
  /** 1-based line of the opening fence. */
  line: number;
  lang: 'ts' | 'js';
  run: boolean;
  code: string;
  /** The file name the example gives itself in a first-line comment (`// webhooks.test.ts`), if any. */
  file?: string;
}

export function docExamples(markdown: string): DocExample[] {
  const examples: DocExample[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w+)(?: (.*))?$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`line ${i + 1}: a code block that never ends`);
    const [, lang, words = ''] = open;
    if (lang === 'ts' || lang === 'js') {
      const code = lines.slice(i + 1, end).join('\n') + '\n';
      const file = /^\/\/ ([\w.-]+\.(?:test\.)?[tj]s)$/.exec(lines[i + 1] ?? '')?.[1];
      examples.push({ line: i + 1, lang, run: words.split(' ').includes('run'), code, ...(file ? { file } : {}) });
    }
    i = end;
  }
  return examples;
}
