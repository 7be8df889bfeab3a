import { evaluateCondition } from './support/condition-eval';

// The store tests lean on this evaluator, so it is tested itself.
describe('evaluateCondition (test support)', () => {
  const scope = (item: Record<string, unknown> | undefined, values: Record<string, unknown> = {}) => ({
    item,
    names: { '#s': 'status' },
    values,
  });

  it('reads attribute_exists and attribute_not_exists', () => {
    expect(evaluateCondition('attribute_exists(PK)', scope({ PK: 'a' }))).toBe(true);
    expect(evaluateCondition('attribute_not_exists(PK)', scope({ PK: 'a' }))).toBe(false);
    expect(evaluateCondition('attribute_not_exists(PK)', scope(undefined))).toBe(true);
  });

  it('compares through name and value placeholders', () => {
    expect(evaluateCondition('#s = :s', scope({ status: 'READY' }, { ':s': 'READY' }))).toBe(true);
    expect(evaluateCondition('n < :n', scope({ n: 3 }, { ':n': 2 }))).toBe(false);
  });

  it('binds AND tighter than OR and honours parentheses', () => {
    const s = scope({ a: 1, b: 2 }, { ':one': 1, ':two': 2, ':three': 3 });
    expect(evaluateCondition('a = :two AND b = :two OR a = :one', s)).toBe(true);
    expect(evaluateCondition('a = :two AND (b = :two OR a = :one)', s)).toBe(false);
  });

  it('treats a comparison with a missing attribute as false, as DynamoDB does', () => {
    expect(evaluateCondition('missing < :n', scope({}, { ':n': 1 }))).toBe(false);
  });
});
