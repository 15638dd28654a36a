/**
 * Offset of the first JSON syntax error in a text. Node 20's JSON.parse does not always say where
 * it failed ("Unexpected end of JSON input"), and a policy author needs a line and column.
 * A small recursive-descent scan of the JSON grammar; only called after JSON.parse has failed.
 */

class JsonScanError extends Error {
  constructor(readonly offset: number) {
    super(`JSON syntax error at ${offset}`);
  }
}

class Scanner {
  private at = 0;
  constructor(private readonly text: string) {}

  scanDocument(): void {
    this.value();
    this.whitespace();
    if (this.at < this.text.length) this.fail();
  }

  private fail(): never {
    throw new JsonScanError(this.at);
  }

  private whitespace(): void {
    while (/[ \t\n\r]/.test(this.text[this.at] ?? '')) this.at += 1;
  }

  private expect(literal: string): void {
    for (const ch of literal) {
      if (this.text[this.at] !== ch) this.fail();
      this.at += 1;
    }
  }

  private value(): void {
    this.whitespace();
    const ch = this.text[this.at];
    if (ch === '{') this.container('}', () => this.member());
    else if (ch === '[') this.container(']', () => this.value());
    else if (ch === '"') this.string();
    else if (ch === 't') this.expect('true');
    else if (ch === 'f') this.expect('false');
    else if (ch === 'n') this.expect('null');
    else this.number();
  }

  private container(close: string, item: () => void): void {
    this.at += 1;
    this.whitespace();
    if (this.text[this.at] === close) {
      this.at += 1;
      return;
    }
    for (;;) {
      item();
      this.whitespace();
      const ch = this.text[this.at];
      this.at += 1;
      if (ch === close) return;
      if (ch !== ',') {
        this.at -= 1;
        this.fail();
      }
    }
  }

  private member(): void {
    this.whitespace();
    if (this.text[this.at] !== '"') this.fail();
    this.string();
    this.whitespace();
    this.expect(':');
    this.value();
  }

  private string(): void {
    this.at += 1; // opening quote
    for (;;) {
      const ch = this.text[this.at];
      if (ch === undefined || ch.charCodeAt(0) < 0x20) this.fail();
      this.at += 1;
      if (ch === '"') return;
      if (ch === '\\') this.escape();
    }
  }

  private escape(): void {
    const ch = this.text[this.at] ?? '';
    if (ch !== '' && '"\\/bfnrt'.includes(ch)) {
      this.at += 1;
      return;
    }
    if (ch === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.at + 1, this.at + 5))) {
      this.at += 5;
      return;
    }
    this.fail();
  }

  private number(): void {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.at));
    if (!match) this.fail();
    this.at += match[0].length;
  }
}

/** Offset of the first syntax error, or undefined when the text is valid JSON. */
export function jsonErrorOffset(text: string): number | undefined {
  try {
    new Scanner(text).scanDocument();
    return undefined;
  } catch (error) {
    if (error instanceof JsonScanError) return error.offset;
    throw error;
  }
}
