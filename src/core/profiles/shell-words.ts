/**
 * Splits `text` into words the way a POSIX shell does, for argument strings
 * such as a `CHROME_ARGS` variable. Blanks separate words. Single quotes keep
 * everything literally. Double quotes keep everything but a backslash before
 * `"`, `\`, `$` or a backquote. An unquoted backslash keeps the next
 * character. So `--lang=es '--proxy-bypass-list=a b'` gives two words.
 *
 * NOTE: no expansion happens: `$VAR`, `~`, globs and command substitution stay
 * literal text, because a profile names arguments and never runs a shell.
 *
 * Throws an Error naming the column of an unterminated quote or of a trailing
 * backslash.
 */
export function splitShellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let index = 0;

  while (index < text.length) {
    const char = text[index]!;
    if (/\s/.test(char)) {
      if (word !== null) words.push(word);
      word = null;
      index += 1;
    } else if (char === "'") {
      const end = closingQuote(text, index, "'");
      word = (word ?? '') + text.slice(index + 1, end);
      index = end + 1;
    } else if (char === '"') {
      const end = closingQuote(text, index, '"');
      word = (word ?? '') + unescapeDoubleQuoted(text.slice(index + 1, end));
      index = end + 1;
    } else if (char === '\\') {
      if (index + 1 >= text.length) {
        throw new Error(`trailing backslash at column ${index + 1}`);
      }
      const next = text[index + 1]!;
      // A backslash before a newline joins the lines, as in a shell.
      word = next === '\n' ? word : (word ?? '') + next;
      index += 2;
    } else {
      word = (word ?? '') + char;
      index += 1;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

/** Returns the index of the quote that closes the one at `start`. */
function closingQuote(text: string, start: number, quote: "'" | '"'): number {
  let index = start + 1;
  while (index < text.length) {
    if (text[index] === quote) return index;
    // Inside double quotes a backslash escapes the next character, so \" does not close.
    index += quote === '"' && text[index] === '\\' ? 2 : 1;
  }
  throw new Error(`unterminated ${quote} quote starting at column ${start + 1}`);
}

function unescapeDoubleQuoted(body: string): string {
  return body.replace(/\\([\\"$`\n])/g, (_match, next: string) => (next === '\n' ? '' : next));
}
