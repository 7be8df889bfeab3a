import { budgetFrom } from '../../functions/infra/outbound';

const NOW = 1_741_978_862_000;

beforeEach(() => {
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
});

afterEach(() => {
  jest.restoreAllMocks();
});

const context = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs });

describe('budgetFrom', () => {
  it('keeps 1.5 s of a long Lambda invocation for writing state and reporting the batch', () => {
    expect(budgetFrom(context(30_000)).deadline).toBe(NOW + 28_500);
  });

  it('keeps a fifth of a short invocation, so a short timeout still leaves time for calls', () => {
    expect(budgetFrom(context(2_000)).deadline).toBe(NOW + 1_600);
  });

  it('never sets a deadline in the past', () => {
    expect(budgetFrom(context(0)).deadline).toBe(NOW);
  });

  it('falls back to a fixed budget outside Lambda (local runtime, CLI)', () => {
    expect(budgetFrom(undefined).deadline).toBe(NOW + 25_000 - 1_500);
  });
});
