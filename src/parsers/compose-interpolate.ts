// Compose variable interpolation, as `docker compose config` does it: `$VAR`, `${VAR}`,
// `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`, `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}`,
// nested defaults and `$$` escapes. A variable nobody set is never guessed: the result keeps
// the original `${...}` text and says it is unresolved, so rules can skip the value.

export type Lookup = (name: string) => string | undefined;

export interface Interpolated {
  value: string;
  /** True when some variable had no value and no default: `value` keeps its `${...}` text. */
  unresolved: boolean;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

export function interpolate(text: string, lookup: Lookup): Interpolated {
  if (!text.includes('$')) return { value: text, unresolved: false };
  const state = { unresolved: false };
  const value = expand(text, lookup, state);
  return { value, unresolved: state.unresolved };
}

function expand(text: string, lookup: Lookup, state: { unresolved: boolean }): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const close = matchingBrace(text, i + 1);
      if (close < 0) {
        // docker compose rejects this; we keep the text and refuse to guess.
        state.unresolved = true;
        out += text.slice(i);
        break;
      }
      out += braced(text.slice(i + 2, close), text.slice(i, close + 1), lookup, state);
      i = close + 1;
      continue;
    }
    const name = NAME.exec(text.slice(i + 1))?.[0];
    if (!name) {
      out += c;
      i++;
      continue;
    }
    const v = lookup(name);
    if (v === undefined) {
      state.unresolved = true;
      out += `$${name}`;
    } else out += v;
    i += 1 + name.length;
  }
  return out;
}

/** Index of the `}` closing the `{` at `open`, counting nested `${`. */
function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let j = open; j < text.length; j++) {
    if (text[j] === '{') depth++;
    else if (text[j] === '}' && --depth === 0) return j;
  }
  return -1;
}

function braced(body: string, whole: string, lookup: Lookup, state: { unresolved: boolean }): string {
  const name = NAME.exec(body)?.[0];
  if (!name) {
    state.unresolved = true;
    return whole;
  }
  const rest = body.slice(name.length);
  const v = lookup(name);
  const set = v !== undefined;
  const nonEmpty = set && v !== '';
  const operand = () => expand(rest.replace(/^:?[-?+]/, ''), lookup, state);
  if (rest === '') {
    if (!set) state.unresolved = true;
    return set ? v : whole;
  }
  if (rest.startsWith(':-')) return nonEmpty ? v : operand();
  if (rest.startsWith('-')) return set ? v : operand();
  if (rest.startsWith(':+')) return nonEmpty ? operand() : '';
  if (rest.startsWith('+')) return set ? operand() : '';
  if (rest.startsWith(':?') || rest.startsWith('?')) {
    // A required variable that is missing would stop docker compose; we cannot know its value.
    const ok = rest.startsWith(':?') ? nonEmpty : set;
    if (ok) return v!;
    state.unresolved = true;
    return whole;
  }
  state.unresolved = true;
  return whole;
}
