import { describe, expect, it } from 'vitest';
import { nodeFacts } from '../../src/doctor/facts.js';

describe('nodeFacts: the Node floor is 20.18.1 (undici 7)', () => {
  it.each([
    ['20.18.0', false],
    ['20.17.9', false],
    ['18.20.4', false],
    ['20.18.1', true],
    ['20.19.0', true],
    ['22.0.0', true],
    ['24.1.0', true],
  ])('%s supported: %s', (version, supported) => {
    expect(nodeFacts(version)).toEqual({ version, required: '>=20.18.1', supported });
  });
});
