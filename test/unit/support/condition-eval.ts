/**
 * A tiny evaluator for the DynamoDB condition expressions the store writes (comparisons, AND, OR,
 * parentheses, attribute_exists / attribute_not_exists). It lets a test run the store's real
 * condition against an item, so the condition and `decideTransition` can be checked on the same cases.
 */
type Item = Record<string, unknown>;
type Scope = { item: Item | undefined; names: Record<string, string>; values: Record<string, unknown> };

const TOKEN = /\s*(\(|\)|<>|<=|>=|=|<|>|[#:]?[A-Za-z_][A-Za-z0-9_]*)/y;

function tokenize(expr: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expr.trimEnd().length) {
    const m = TOKEN.exec(expr);
    if (!m) throw new Error(`cannot read condition at ${TOKEN.lastIndex}: ${expr}`);
    tokens.push(m[1] as string);
  }
  return tokens;
}

export function evaluateCondition(expr: string, scope: Scope): boolean {
  const tokens = tokenize(expr);
  let pos = 0;
  const next = () => tokens[pos++] as string;
  const peek = () => tokens[pos];
  const consume = (t: string) => {
    if (next() !== t) throw new Error(`expected ${t} in ${expr}`);
  };
  const attrName = (t: string) => (t.startsWith('#') ? (scope.names[t] ?? t) : t);
  const operand = (t: string): unknown => (t.startsWith(':') ? scope.values[t] : scope.item?.[attrName(t)]);

  function factor(): boolean {
    const t = next();
    if (t === '(') {
      const value = orExpr();
      consume(')');
      return value;
    }
    if (t === 'attribute_exists' || t === 'attribute_not_exists') {
      consume('(');
      const name = attrName(next());
      const exists = scope.item !== undefined && name in scope.item;
      consume(')');
      return t === 'attribute_exists' ? exists : !exists;
    }
    const left = operand(t);
    const op = next();
    const right = operand(next());
    if (left === undefined || right === undefined) return false;
    const l = left as string | number;
    const r = right as string | number;
    switch (op) {
      case '=':
        return left === right;
      case '<>':
        return left !== right;
      case '<':
        return l < r;
      case '<=':
        return l <= r;
      case '>':
        return l > r;
      case '>=':
        return l >= r;
      default:
        throw new Error(`unknown operator ${op}`);
    }
  }
  function andExpr(): boolean {
    let value = factor();
    while (peek() === 'AND') {
      next();
      value = factor() && value;
    }
    return value;
  }
  function orExpr(): boolean {
    let value = andExpr();
    while (peek() === 'OR') {
      next();
      value = andExpr() || value;
    }
    return value;
  }
  const result = orExpr();
  if (pos !== tokens.length) throw new Error(`unread tokens in ${expr}`);
  return result;
}
