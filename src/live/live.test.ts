import { describe, expect, it } from 'vitest';
import { changeJson, changesFor, sseComment, sseEvent, type LiveChange } from './live.ts';

const at = new Date('2026-11-23T00:00:00Z');
const changes: LiveChange[] = [
  { kind: 'alert', id: 1, alertId: 7, ruleCode: 'wait_high', orgUnit: 'DEPT-A', orgPath: '/1/2/3/', severity: 2, from: null, to: 'firing', at, value: 30, messageZh: '候诊', messageEn: 'wait' },
  { kind: 'workorder', id: 2, orderId: 9, title: 'x', severity: 2, orgUnit: 'DEPT-B', orgPath: '/1/2/4/', action: 'workorder.created', from: 'new', to: 'new', at },
  { kind: 'data', orgUnit: 'DEPT-A', orgPath: '/1/2/3/', events: 4 },
];

describe('live changes', () => {
  it('keeps only the changes inside the viewer’s subtree', () => {
    expect(changesFor(changes, '/1/2/3/', () => true).map((c) => c.kind)).toEqual(['alert', 'data']);
    expect(changesFor(changes, '/1/2/', () => true)).toHaveLength(3);
  });

  it('asks the permission each kind of change needs, at the change’s unit', () => {
    const asked: string[] = [];
    const kept = changesFor(changes, '/1/', (permission, path) => {
      asked.push(`${permission}@${path}`);
      return permission !== 'workorder.read';
    });
    expect(asked).toEqual(['alert.read@/1/2/3/', 'workorder.read@/1/2/4/', 'indicator.read@/1/2/3/']);
    expect(kept.map((c) => c.kind)).toEqual(['alert', 'data']);
  });

  it('sends a change without its internal path and with an ISO time', () => {
    const first = changes[0];
    if (first?.kind !== 'alert') throw new Error('fixture');
    const json = changeJson(first);
    expect(json).not.toHaveProperty('orgPath');
    expect(json.at).toBe('2026-11-23T00:00:00.000Z');
  });
});

describe('server-sent event frames', () => {
  it('writes event, optional id and JSON data, ended by a blank line', () => {
    expect(sseEvent('alert', { a: 1 }, '5')).toBe('id: 5\nevent: alert\ndata: {"a":1}\n\n');
    expect(sseEvent('snapshot', 'x')).toBe('event: snapshot\ndata: "x"\n\n');
  });

  it('keeps a comment on one line', () => {
    expect(sseComment('ping\nnext')).toBe(': ping next\n\n');
  });
});
