import { describe, expect, it } from 'vitest';
import { DeskctlError } from '../../src/core/errors.js';
import { assertTopicMet, missingForTopic, topicProblems } from '../../src/core/topics.js';

const topic = (requireProcess: boolean, requireServiceChannel: boolean, requireStatusDetail: boolean) => ({ name: 'Contrato', requireProcess, requireServiceChannel, requireStatusDetail });

describe('R42: what a topic requires of a request', () => {
  it.each([
    ['nothing required, nothing given', topic(false, false, false), {}, []],
    ['a process required and missing', topic(true, false, false), { serviceChannel: 'phone' }, ['processRef']],
    ['a process required and given', topic(true, false, false), { processRef: 'P-1' }, []],
    ['everything required, nothing given', topic(true, true, true), {}, ['processRef', 'serviceChannel', 'statusDetail']],
    ['everything required, null given', topic(true, true, true), { processRef: null, serviceChannel: null, statusDetail: null }, ['processRef', 'serviceChannel', 'statusDetail']],
    ['everything required and given', topic(true, true, true), { processRef: 'P', serviceChannel: 'chat', statusDetail: 'Em análise' }, []],
    ['a status detail required, the rest given', topic(false, false, true), { processRef: 'P', serviceChannel: 'chat' }, ['statusDetail']],
  ])('R42: %s', (_name, t, r, missing) => {
    expect(missingForTopic(t, r).map((m) => m.path)).toEqual(missing);
  });

  it('R42: a refusal is invalid input naming each field and the topic', () => {
    expect(topicProblems(topic(false, true, false), {})).toEqual([
      'serviceChannel: topic "Contrato" requires a service channel (--service-channel phone|email|chat|in-person|whatsapp) on every ticket (R42)',
    ]);
    let caught: unknown;
    try {
      assertTopicMet(topic(true, true, false), {});
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DeskctlError);
    expect((caught as DeskctlError).code).toBe('invalid_input');
    expect((caught as DeskctlError).toJSON().problems).toHaveLength(2);
    expect(() => assertTopicMet(topic(true, true, true), { processRef: 'P', serviceChannel: 'phone', statusDetail: 'x' })).not.toThrow();
  });
});
