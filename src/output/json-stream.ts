/**
 * The one writer of streamed JSON (gh's one exporter): a document built item by item without
 * holding the items, as text chunks the caller writes (so it can wait on a slow pipe). Either a
 * top-level array (`[\n  item,\n  item\n]`), or an object whose fields come before and after one
 * list (`{"dryRun": false, "results": [...], "requested": N, ...}`). Each item is one line.
 */
export class JsonStream {
  private count = 0;
  private started = false;

  constructor(private readonly shape: 'array' | { head: Record<string, unknown>; list: string }) {}

  /** Whether the document has begun (an error before that leaves the output empty). */
  get opened(): boolean {
    return this.started;
  }

  /** The opening of the document, once; '' afterwards (and always for an array, which opens with its first item). */
  open(): string {
    if (this.started || this.shape === 'array') return '';
    this.started = true;
    const fields = Object.entries(this.shape.head).map(([k, v]) => `\n  ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
    return `{${fields.join('')}\n  ${JSON.stringify(this.shape.list)}: [`;
  }

  /** The text of the next items. */
  items(values: readonly unknown[]): string {
    if (values.length === 0) return '';
    let out = this.open();
    const indent = this.shape === 'array' ? '  ' : '    ';
    for (const v of values) {
      out += `${this.count === 0 ? (this.shape === 'array' ? '[' : '') : ','}\n${indent}${JSON.stringify(v)}`;
      this.count++;
    }
    this.started = true;
    return out;
  }

  /** The end of the document; for an object, the fields after the list. */
  close(tail: Record<string, unknown> = {}): string {
    if (this.shape === 'array') return this.count === 0 ? '[]\n' : '\n]\n';
    const fields = Object.entries(tail).map(([k, v]) => `,\n  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
    return `${this.open()}\n  ]${fields.join('')}\n}\n`;
  }
}
