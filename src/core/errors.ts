// Errors that are the user's input, not our bug: they print as one line and exit 2, no stack.

/** A file that could not be read or understood. */
/** Several files of one input that could not be understood: each is reported, not only the first. */
export class ParseErrors extends Error {
  constructor(readonly errors: ParseError[]) {
    super(errors.map((e) => e.toString()).join('\n'));
    this.name = 'ParseErrors';
  }
}

export class ParseError extends Error {
  constructor(
    readonly file: string,
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = 'ParseError';
  }

  /** `file:line:column: message`, the form editors and terminals turn into links. */
  override toString(): string {
    const where = this.line ? `${this.file}:${this.line}${this.column ? `:${this.column}` : ''}` : this.file;
    return `${where}: ${this.message}`;
  }
}

/** Bad flags, bad config, nothing to scan. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
