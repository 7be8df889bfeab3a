import {
  adapterArg,
  COMMANDS,
  checkValues,
  type Invocation,
  onOffArg,
  parseCommandLine,
  secondsArg,
  USAGE,
  UsageError,
  usageOf,
} from '../../bin/cli/args';

const parse = (line: string) => parseCommandLine(line.split(' ').filter(Boolean));
const invocation = (line: string) => parse(line) as Invocation;
const usageError = (line: string) => {
  try {
    const inv = parse(line);
    if (inv !== 'help') checkValues(inv);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`"${line}" was accepted`);
};

describe('commands and targets', () => {
  test('no arguments asks for help', () => {
    expect(parse('')).toBe('help');
  });

  test('help and --help ask for help', () => {
    expect(parse('help')).toBe('help');
    expect(parse('restaurants --help')).toBe('help');
  });

  test('an unknown command is refused by name', () => {
    expect(usageError('frobnicate --local')).toBe('unknown command "frobnicate"');
  });

  test('an unknown option is refused', () => {
    expect(usageError('restaurants --local --verbose')).toMatch(/Unknown option '--verbose'/);
  });

  test('--local selects the local runtime', () => {
    expect(invocation('restaurants --local').target).toEqual({ kind: 'local' });
  });

  test('--stage selects a deployed stage by name', () => {
    expect(invocation('restaurants --stage sandbox').target).toEqual({ kind: 'stage', name: 'sandbox' });
  });

  test('a command that acts on a bridge refuses to guess which one', () => {
    expect(usageError('restaurants')).toMatch(/say which bridge: --local .* or --stage <name>/);
  });

  test('--local and --stage together are refused', () => {
    expect(usageError('restaurants --local --stage sandbox')).toBe('give --local or --stage, not both');
  });

  test('--stage without a name is refused', () => {
    expect(usageError('restaurants --stage')).toMatch(/--stage/);
  });

  test('the report needs no bridge', () => {
    expect(invocation('report reference').target).toBeUndefined();
  });

  test('options may come before the command', () => {
    expect(invocation('--local unlink 5120')).toMatchObject({ command: 'unlink', args: { restaurantId: '5120' } });
  });
});

describe('arguments', () => {
  test('link names its three arguments', () => {
    expect(invocation('link 5120 reference loc-1 --local').args).toEqual({
      restaurantId: '5120',
      posCode: 'reference',
      posLocationId: 'loc-1',
    });
  });

  test('a missing argument is named', () => {
    expect(usageError('link 5120 reference --local')).toBe('link: missing <posLocationId>');
  });

  test('an extra argument is refused', () => {
    expect(usageError('unlink 5120 5121 --local')).toBe('unlink: unexpected argument "5121"');
  });

  test('an option another command takes is refused on this one', () => {
    expect(usageError('link 5120 reference loc-1 --local --full')).toBe('link takes no --full');
  });

  test('redrive takes an optional queue name', () => {
    expect(invocation('redrive --local').args).toEqual({ queue: undefined });
    expect(invocation('redrive to-sinqro --local').args).toEqual({ queue: 'to-sinqro' });
  });

  test('sync-catalog takes --full', () => {
    expect(invocation('sync-catalog 5120 --full --local').options).toEqual({ full: true });
  });

  test('a restaurant id must be a positive whole number', () => {
    for (const bad of ['abc', '0', '12.5', '1e3', '99999999999999999'])
      expect(usageError(`unlink ${bad} --local`)).toMatch(/restaurantId must be a positive whole number/);
  });

  test('an order id must be a positive whole number too', () => {
    expect(usageError('order x1 --local')).toMatch(/sinqroId must be a positive whole number, got "x1"/);
  });

  test('an unknown POS code is refused with the registered ones', () => {
    expect(usageError('link 5120 nopos loc-1 --local')).toBe(
      'unknown POS "nopos": one of reference, square, lightspeedk',
    );
  });

  test('the report refuses an unknown POS code too', () => {
    expect(usageError('report nopos')).toBe('unknown POS "nopos": one of reference, square, lightspeedk');
  });

  test('a POS code is also taken as people write it: lightspeed-k, Square', () => {
    expect(adapterArg('lightspeed-k').code).toBe('lightspeedk');
    expect(adapterArg('Square').code).toBe('square');
    expect(() => checkValues(invocation('report lightspeed-k'))).not.toThrow();
    expect(usageError('report light-speed-x')).toMatch(/^unknown POS "light-speed-x"/);
  });

  test('a POS location id with a space is refused', () => {
    expect(() =>
      checkValues(parseCommandLine(['link', '5120', 'reference', 'loc 1', '--local']) as Invocation),
    ).toThrow(/posLocationId/);
  });

  test('webhook switches take on or off', () => {
    expect(onOffArg('statusWebhooks', 'off')).toBe(false);
    expect(onOffArg('statusWebhooks', 'on')).toBe(true);
    expect(onOffArg('statusWebhooks', undefined)).toBeUndefined();
    expect(usageError('report reference --statusWebhooks maybe')).toBe(
      '--statusWebhooks must be on or off, got "maybe"',
    );
  });

  test('a timeout must be a whole number of seconds', () => {
    expect(secondsArg('timeout', '30', 900)).toBe(30);
    expect(secondsArg('timeout', undefined, 900)).toBe(900);
    expect(usageError('sync-catalog 5120 --local --timeout soon')).toBe(
      '--timeout must be a whole number of seconds, got "soon"',
    );
  });
});

describe('usage', () => {
  test('the usage lists every command', () => {
    for (const name of Object.keys(COMMANDS)) expect(USAGE).toContain(`  ${name}`);
  });

  test("a command's usage says it needs a bridge when it does", () => {
    expect(usageOf('unlink')).toBe('Usage: pos-bridge unlink <restaurantId> (--local | --stage <name>)');
    expect(usageOf('report')).not.toContain('--local');
  });

  test('a usage error remembers its command, so its usage line can be printed', () => {
    try {
      parse('link 5120 --local');
    } catch (error) {
      expect((error as UsageError).command).toBe('link');
    }
    expect.assertions(1);
  });
});
