import { describe, expect, it } from 'vitest';
import { splitShellWords } from '../../src/core/profiles/shell-words.js';

describe('splitShellWords', () => {
  it.each<[string, string[]]>([
    ['--no-sandbox --disable-gpu', ['--no-sandbox', '--disable-gpu']],
    ['  --a\t\n--b  ', ['--a', '--b']],
    ['', []],
    ["'--proxy-bypass-list=a b' --c", ['--proxy-bypass-list=a b', '--c']],
    ['--lang="es AR"', ['--lang=es AR']],
    ['--x=a\\ b', ['--x=a b']],
    ['"say \\"hi\\" \\$HOME \\n"', ['say "hi" $HOME \\n']],
    ["'it''s'", ['its']],
    ["'a \\ b'", ['a \\ b']],
    ['--a \\\n--b', ['--a', '--b']],
    ['--x=$HOME', ['--x=$HOME']],
    ['""', ['']],
    ['--screen-info={1920x1080}', ['--screen-info={1920x1080}']],
  ])('splits %j', (text, words) => {
    expect(splitShellWords(text)).toEqual(words);
  });

  it.each<[string, string]>([
    ["--a 'open", "unterminated ' quote starting at column 5"],
    ['--a "open \\"', 'unterminated " quote starting at column 5'],
    ['--a \\', 'trailing backslash at column 5'],
  ])('rejects %j', (text, message) => {
    expect(() => splitShellWords(text)).toThrow(message);
  });
});
