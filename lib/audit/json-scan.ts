/**
 * Structural scans of raw JSON text that never recurse, so that no input can exhaust the
 * stack: JSON.parse itself is iterative in V8, but everything that walks a parsed value
 * (canonical JSON, JSON.stringify, the integer check) recurses once per level, and a line
 * nested 20,000 arrays deep used to throw out of ingest and lose its whole request.
 *
 * The scans skip over strings by their closing quote (counting the backslashes before it),
 * so brackets inside strings are never counted. They assume nothing about validity: on
 * malformed text they answer something harmless and leave the error to JSON.parse.
 */

/** Nesting allowed in an event (objects and arrays together): deeper lines are refused. */
export const MAX_EVENT_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Index of the quote closing the string opened at `open`, or -1 when it is never closed. */
function closingQuote(text: string, open: number): number {
  let from = open + 1;
  for (;;) {
    const q = text.indexOf('"', from);
    if (q === -1) return -1;
    let b = q - 1;
    while (b > open && text.charCodeAt(b) === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q; // an even number of backslashes: the quote is not escaped
    from = q + 1;
  }
}

/** True when objects and arrays nest deeper than `max` anywhere in the text. */
export function nestsDeeperThan(text: string, max: number = MAX_EVENT_DEPTH): boolean {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const q = closingQuote(text, i);
      if (q === -1) return false;
      i = q;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}

/**
 * The raw text of each element of the array under `key` of the top-level object (e.g. the
 * `audit_logs` of an API page), exactly as written, with line breaks between tokens turned
 * into spaces so that each element is one NDJSON line. Null when the text is not an object
 * holding such an array. Call it on text JSON.parse accepted.
 */
export function topLevelArrayElements(text: string, key: string): string[] | null {
  let depth = 0;
  let i = 0;
  const n = text.length;
  let expectKey = false;
  let arrayStart = -1;
  // Find `"key":[` at depth 1.
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const q = closingQuote(text, i);
      if (q === -1) return null;
      if (depth === 1 && expectKey) {
        expectKey = false;
        let name: unknown;
        try {
          name = JSON.parse(text.slice(i, q + 1));
        } catch {
          return null;
        }
        if (name === key) {
          let j = q + 1;
          while (j < n && text.charCodeAt(j) !== 0x3a) j++;
          j++;
          while (j < n && isSpace(text.charCodeAt(j))) j++;
          if (text.charCodeAt(j) !== 0x5b) return null;
          arrayStart = j;
          break;
        }
      }
      i = q;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth === 1) {
        if (c !== 0x7b) return null;
        expectKey = true;
      }
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    } else if (c === 0x2c && depth === 1) {
      expectKey = true;
    }
  }
  if (arrayStart === -1) return null;

  const out: string[] = [];
  let level = 0; // inside the array: 0 = between elements
  let start = -1;
  for (i = arrayStart + 1; i < n; i++) {
    const c = text.charCodeAt(i);
    if (start === -1 && level === 0) {
      if (isSpace(c) || c === 0x2c) continue;
      if (c === 0x5d) return out;
      start = i;
    }
    if (c === QUOTE) {
      const q = closingQuote(text, i);
      if (q === -1) return null;
      i = q;
    } else if (c === 0x7b || c === 0x5b) {
      level++;
    } else if (c === 0x7d || c === 0x5d) {
      if (level === 0) {
        // The array ends right after a scalar element.
        out.push(oneLine(text.slice(start, i)));
        return out;
      }
      level--;
    } else if (c === 0x2c && level === 0) {
      out.push(oneLine(text.slice(start, i)));
      start = -1;
      continue;
    } else {
      continue;
    }
    if (level === 0 && (c === 0x7d || c === 0x5d || c === QUOTE)) {
      // A complete object, array or string element: take it now.
      out.push(oneLine(text.slice(start, i + 1)));
      start = -1;
    }
  }
  return null;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Raw CR and LF cannot occur inside a JSON string: outside one they are whitespace. */
function oneLine(element: string): string {
  return /[\r\n]/.test(element) ? element.replace(/[\r\n]/g, " ").trim() : element.trim();
}
