import { describe, expect, it } from 'vitest';
import { formatBytes, hasImportExtension } from '../../web/src/pages/kb/kb-words.ts';
import { outOfScopeTitle, suggestionReason } from '../../web/src/pages/l1/intake-words.ts';
import { anyWordQuery, splitSnippet } from '../../web/src/lib/snippet.ts';
import { MAX_FILE_BYTES, multipartBody } from '../../web/src/lib/upload.ts';

// The knowledge base's pure SPA logic: snippet highlighting, the multipart request, file checks.

describe('splitSnippet', () => {
  it('marks exactly the words between the markers', () => {
    expect(splitSnippet('Restart the <mark>printer</mark> spooler, then <mark>print</mark> a test page')).toEqual([
      { text: 'Restart the ', mark: false },
      { text: 'printer', mark: true },
      { text: ' spooler, then ', mark: false },
      { text: 'print', mark: true },
      { text: ' a test page', mark: false },
    ]);
  });

  it('keeps any other markup as text, to be shown as the characters it is', () => {
    const parts = splitSnippet('<script>alert(1)</script> and <mark><b>bold</b></mark>');
    expect(parts).toEqual([
      { text: '<script>alert(1)</script> and ', mark: false },
      { text: '<b>bold</b>', mark: true },
    ]);
  });

  it('survives stray, unclosed and nested markers', () => {
    expect(splitSnippet('a</mark>b')).toEqual([{ text: 'ab', mark: false }]);
    expect(splitSnippet('a<mark>b')).toEqual([
      { text: 'a', mark: false },
      { text: 'b', mark: true },
    ]);
    expect(splitSnippet('<mark>a<mark>b</mark>c')).toEqual([
      { text: 'ab', mark: true },
      { text: 'c', mark: false },
    ]);
    expect(splitSnippet('')).toEqual([]);
  });
});

describe('multipartBody', () => {
  it('follows the GraphQL multipart request spec: operations with nulls, a map, then the files in order', async () => {
    const files = [new File(['# One'], 'one.md'), new File(['<h1>Two</h1>'], 'two.html')];
    const body = multipartBody('mutation M($files: [File!]!) { x }', 'M', {}, 'files', files);
    expect([...body.keys()]).toEqual(['operations', 'map', '0', '1']);
    expect(JSON.parse(body.get('operations') as string)).toEqual({
      query: 'mutation M($files: [File!]!) { x }',
      operationName: 'M',
      variables: { files: [null, null] },
    });
    expect(JSON.parse(body.get('map') as string)).toEqual({ 0: ['variables.files.0'], 1: ['variables.files.1'] });
    expect((await (body.get('1') as File).text()) as string).toBe('<h1>Two</h1>');
    expect((body.get('0') as File).name).toBe('one.md');
  });
});

describe('import checks', () => {
  it('accepts the importable extensions in any case, and nothing else', () => {
    for (const name of ['a.md', 'B.MARKDOWN', 'c.html', 'd.htm', 'e.TXT']) expect(hasImportExtension(name)).toBe(true);
    for (const name of ['a.pdf', 'b.docx', 'md', 'c.md.exe']) expect(hasImportExtension(name)).toBe(false);
  });

  it('states sizes the way the limit is written', () => {
    expect(MAX_FILE_BYTES).toBe(5 * 1024 * 1024);
    expect(formatBytes(MAX_FILE_BYTES)).toBe('5 MB');
    expect(formatBytes(MAX_FILE_BYTES + 1)).toBe('5 MB');
    expect(formatBytes(6 * 1024 * 1024)).toBe('6 MB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(12)).toBe('12 B');
  });
});

describe('outOfScopeTitle', () => {
  it('says the hard floor is never for L1, and a disabled category is the desk’s choice', () => {
    expect(outOfScopeTitle({ key: 'security_incident', label: 'Security incidents' })).toBe(
      'This looks like a security incident: L1 does not handle these',
    );
    expect(outOfScopeTitle({ key: 'printing', label: 'Printing and scanning' })).toBe(
      'This looks like printing and scanning: your desk does not take these calls',
    );
    expect(outOfScopeTitle(null)).toBe('This call is not one for the L1 desk');
  });
});

describe('suggestionReason', () => {
  it('drops the flow title the reason starts with, under that title', () => {
    expect(suggestionReason('Label printer jams', '“Label printer jams”: matched on: label, printer.')).toBe('Matched on: label, printer.');
    expect(suggestionReason('Other', 'matched on: vpn.')).toBe('Matched on: vpn.');
  });
});

describe('anyWordQuery', () => {
  it('asks for any of the statement’s words, without punctuation that would change the search', () => {
    expect(anyWordQuery('Problem with the label-printer -- "or" it jams?')).toBe('problem or with or the or label or printer or jams');
    expect(anyWordQuery('É não funciona: écran')).toBe('não or funciona or écran');
    expect(anyWordQuery('a b')).toBe('');
  });
});
