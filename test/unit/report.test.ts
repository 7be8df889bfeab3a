import { referenceAdapter } from '../../adapters/reference';
import { integrationReport, reportJson, reportMarkdown } from '../../adapters/report';
import { fakeAdapter } from './support/fake-adapter';

const NOW = new Date('2026-03-01T10:00:00.000Z');

test('the report has one row per feature F1–F8, in order', () => {
  const report = integrationReport(fakeAdapter(), {}, NOW);
  expect(report.features.map((f) => f.id)).toEqual(['F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8']);
  expect(report.features[0]?.title).toBe('Receive the order / reservation in the POS');
});

test('an integrated feature carries its mechanism and note', () => {
  const report = integrationReport(fakeAdapter(), {}, NOW);
  expect(report.features[1]?.orders).toEqual({ integrated: true, mechanism: 'webhook', note: 'order.accepted' });
});

test('a feature that is not integrated carries the reason', () => {
  const report = integrationReport(fakeAdapter(), {}, NOW);
  expect(report.features[4]?.reservations).toEqual({
    integrated: false,
    reason: 'the POS cannot cancel a reservation through its API',
  });
});

test('the summary counts integrated features per kind', () => {
  const report = integrationReport(fakeAdapter(), {}, NOW);
  expect(report.summary).toEqual({
    orders: { integrated: 8, total: 8 },
    reservations: { integrated: 6, total: 8 },
  });
});

test('with status webhooks off the report shows polling for F2–F4', () => {
  const report = integrationReport(fakeAdapter(), { statusWebhooks: false }, NOW);
  for (const f of report.features.slice(1, 4)) expect(f.orders).toMatchObject({ mechanism: 'polling' });
  expect(report.settings).toEqual({ statusWebhooks: false, availabilityWebhooks: true });
});

test('with availability webhooks off the report shows polling for F7 and F8', () => {
  const report = integrationReport(fakeAdapter(), { availabilityWebhooks: false }, NOW);
  expect(report.features.slice(6).map((f) => f.orders)).toEqual([
    expect.objectContaining({ mechanism: 'polling' }),
    expect.objectContaining({ mechanism: 'polling' }),
  ]);
});

test('the report names the adapter and its date', () => {
  const report = integrationReport(fakeAdapter(), {}, NOW);
  expect(report).toMatchObject({
    posCode: 'fakepos',
    adapterName: 'Fake POS',
    generatedAt: '2026-03-01T10:00:00.000Z',
  });
});

test('the report is built from the registered reference adapter too', () => {
  const report = integrationReport(referenceAdapter, {}, NOW);
  expect(report.features[0]?.orders).toMatchObject({ integrated: true, mechanism: 'api' });
});

describe('Markdown', () => {
  const markdown = (settings = {}) => reportMarkdown(integrationReport(fakeAdapter(), settings, NOW));

  test('starts with a title naming the adapter', () => {
    expect(markdown().split('\n')[0]).toBe('# Integration validation report: Fake POS');
  });

  test('states the adapter code, the date and the settings', () => {
    expect(markdown()).toContain('- POS adapter: `fakepos` (Fake POS)');
    expect(markdown()).toContain('- Date: 2026-03-01');
    expect(markdown({ statusWebhooks: false })).toContain('status webhooks off, availability webhooks on');
  });

  test('has a table with a header and one row per feature', () => {
    const rows = markdown()
      .split('\n')
      .filter((l) => l.startsWith('| '));
    expect(rows[0]).toBe('| # | Feature | Orders | Reservations |');
    expect(rows.slice(1).map((r) => r.split(' | ')[0])).toEqual([
      '| F1',
      '| F2',
      '| F3',
      '| F4',
      '| F5',
      '| F6',
      '| F7',
      '| F8',
    ]);
  });

  test('a row shows the mechanism, or that the feature is not integrated', () => {
    expect(markdown()).toContain(
      '| F5 | Get status updates made elsewhere into the POS | ✅ api | ❌ not integrated |',
    );
  });

  test('notes give the reason for every feature that is not integrated', () => {
    expect(markdown()).toContain(
      '- **F5 reservations**: not integrated: the POS cannot cancel a reservation through its API',
    );
  });

  test('notes explain polling when a webhook is off', () => {
    expect(markdown({ statusWebhooks: false })).toContain(
      '- **F2 orders**: polling: the bridge asks the POS on a schedule (the POS has no status webhook here: the bridge polls open orders)',
    );
  });
});

test('JSON output is the report model itself, parseable', () => {
  const report = integrationReport(fakeAdapter(), { statusWebhooks: false }, NOW);
  expect(JSON.parse(reportJson(report))).toEqual(report);
});

describe('a feature the POS serves only in part', () => {
  const limited = () => {
    const adapter = fakeAdapter();
    adapter.capabilities.orders.F5 = {
      mechanism: 'api',
      note: 'POST /printMsg',
      limit: 'the POS cannot cancel the order: staff are shown a message',
    };
    return integrationReport(adapter, {}, NOW);
  };

  test('carries what it cannot do, and is counted apart in the summary', () => {
    expect(limited().features[4]?.orders).toEqual({
      integrated: true,
      mechanism: 'api',
      note: 'POST /printMsg',
      limit: 'the POS cannot cancel the order: staff are shown a message',
    });
    expect(limited().summary.orders).toEqual({ integrated: 8, limited: 1, total: 8 });
  });

  test('shows as limited in the table and says what it cannot do in the notes', () => {
    const markdown = reportMarkdown(limited());
    expect(markdown).toContain(
      '| F5 | Get status updates made elsewhere into the POS | ⚠️ api, limited | ❌ not integrated |',
    );
    expect(markdown).toContain(
      '- **F5 orders**: api: the bridge calls the POS API (POST /printMsg); limited: the POS cannot cancel the order: staff are shown a message',
    );
    expect(markdown).toContain('- Orders: 8 of 8 features integrated, 1 of them limited;');
  });
});
