import { describe, expect, it } from 'vitest';
import { JsonStream } from '../../src/output/json-stream.js';

/** Issue 12: streamed JSON (bulk decisions, stats export) is written by one writer, never concatenated by a command. */
describe('JsonStream: the one writer of streamed JSON', () => {
  it('an object with one streamed list parses to the same document as JSON.stringify', () => {
    const doc = new JsonStream({ head: { dryRun: false }, list: 'results' });
    const text = doc.open() + doc.items([{ id: 1 }, { id: 2 }]) + doc.items([]) + doc.items([{ id: 3 }]) + doc.close({ requested: 3, failed: 0 });
    expect(JSON.parse(text)).toEqual({ dryRun: false, results: [{ id: 1 }, { id: 2 }, { id: 3 }], requested: 3, failed: 0 });
    expect(text.split('\n')).toHaveLength(11);
  });

  it('an empty list, and an array of none, are still documents', () => {
    expect(JSON.parse(new JsonStream({ head: { dryRun: false }, list: 'results' }).close({ requested: 0 }))).toEqual({ dryRun: false, results: [], requested: 0 });
    expect(new JsonStream('array').close()).toBe('[]\n');
  });

  it('a top-level array, one item a line', () => {
    const doc = new JsonStream('array');
    const text = doc.items([{ a: 1 }]) + doc.items([{ a: 'x"y' }]) + doc.close();
    expect(text).toBe('[\n  {"a":1},\n  {"a":"x\\"y"}\n]\n');
    expect(JSON.parse(text)).toEqual([{ a: 1 }, { a: 'x"y' }]);
  });

  it('nothing is written before the first item or the close (an early error leaves stdout empty)', () => {
    const doc = new JsonStream({ head: { dryRun: false }, list: 'results' });
    expect(doc.items([])).toBe('');
    expect(doc.opened).toBe(false);
  });
});
