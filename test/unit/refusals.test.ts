import { describe, expect, it } from 'vitest';
import { API, type OperationName } from '../../src/core/api.js';
import { refusal } from '../../src/core/refusals.js';

describe('issue 12, defect 5: refusals are sentences a person wrote', () => {
  it('defect 5: a manager token refused the approval settings reads as English, without rule numbers', () => {
    expect(refusal('getApproval', 'manager', API.getApproval.roles)).toBe('a manager token cannot read the approval mode and rules; that takes an admin token');
    expect(refusal('decideDrafts', 'customer', API.decideDrafts.roles)).toBe('a customer token cannot approve or reject drafts; that takes an admin token or a manager token');
  });

  it.each(Object.keys(API) as OperationName[])('defect 5: the refusal of %s is its own sentence, not its summary', (name) => {
    const m = refusal(name, 'customer', API[name].roles);
    expect(m).toMatch(/^a customer token cannot [a-z][A-Za-z' ]+; that takes an? (admin|manager) token/);
    expect(m).not.toMatch(/[()]/);
  });
});
