/**
 * The QBO query language (reference §3):
 * `SELECT * | COUNT(*) FROM <Entity> [WHERE <prop> <op> <value> [AND …]] [ORDERBY <prop> [ASC|DESC]]
 *  [STARTPOSITION n] [MAXRESULTS m]`, operators `=`, `<`, `>`, `<=`, `>=`, `IN (…)`, `LIKE` (only `%`);
 * no OR and no `!=`. Keywords, entity and property names are case-insensitive; string values are
 * single-quoted with `\'` escapes; booleans unquoted.
 */
import { faults } from "./faults";
import { isJsonObject, type JsonObject, type JsonValue } from "./json";
import { parseQboInstant } from "./time";

export type QueryOperator = "=" | "<" | ">" | "<=" | ">=" | "IN" | "LIKE";
export type QueryLiteral = string | number | boolean;

export interface QueryCondition {
  /** Property path exactly as written, e.g. `MetaData.LastUpdatedTime`. */
  property: string;
  operator: QueryOperator;
  values: QueryLiteral[];
}

export interface QueryOrder {
  property: string;
  descending: boolean;
}

export interface ParsedQuery {
  entity: string;
  count: boolean;
  where: QueryCondition[];
  orderBy: QueryOrder[];
  /** 1-based, as QBO counts (reference §3). */
  startPosition: number;
  maxResults: number;
}

/** Reference §0: a page holds at most 1000 objects. */
export const QUERY_MAX_RESULTS_LIMIT = 1000;
/** Reference §3: default page size when MAXRESULTS is omitted is reportedly 100 [I]. */
export const QUERY_DEFAULT_MAX_RESULTS = 100;

type Token =
  | { kind: "word"; text: string }
  | { kind: "string"; text: string }
  | { kind: "number"; text: string }
  | { kind: "symbol"; text: string };

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const ch = query.charAt(i);
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    if (ch === "'") {
      let text = "";
      i += 1;
      let closed = false;
      while (i < query.length) {
        const c = query.charAt(i);
        if (c === "\\" && i + 1 < query.length) {
          text += query.charAt(i + 1);
          i += 2;
          continue;
        }
        if (c === "'") {
          closed = true;
          i += 1;
          break;
        }
        text += c;
        i += 1;
      }
      if (!closed) throw faults.queryParser("unterminated string literal");
      tokens.push({ kind: "string", text });
      continue;
    }
    const two = query.slice(i, i + 2);
    if (two === "<=" || two === ">=") {
      tokens.push({ kind: "symbol", text: two });
      i += 2;
      continue;
    }
    if (two === "!=" || two === "<>") throw faults.queryParser(`operator '${two}' is not supported`);
    if ("=<>(),*".includes(ch)) {
      tokens.push({ kind: "symbol", text: ch });
      i += 1;
      continue;
    }
    const numberMatch = /^-?\d+(\.\d+)?/.exec(query.slice(i));
    if (numberMatch) {
      tokens.push({ kind: "number", text: numberMatch[0] });
      i += numberMatch[0].length;
      continue;
    }
    const wordMatch = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(query.slice(i));
    if (wordMatch) {
      tokens.push({ kind: "word", text: wordMatch[0] });
      i += wordMatch[0].length;
      continue;
    }
    throw faults.queryParser(`Encountered "${ch}" at column ${i + 1}`);
  }
  return tokens;
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.index];
  }

  next(): Token {
    const token = this.tokens[this.index];
    if (!token) throw faults.queryParser("unexpected end of query");
    this.index += 1;
    return token;
  }

  isKeyword(keyword: string): boolean {
    const token = this.peek();
    return token?.kind === "word" && token.text.toUpperCase() === keyword;
  }

  expectKeyword(keyword: string): void {
    const token = this.next();
    if (token.kind !== "word" || token.text.toUpperCase() !== keyword) {
      throw faults.queryParser(`expected ${keyword} but found "${token.text}"`);
    }
  }

  isSymbol(symbol: string): boolean {
    const token = this.peek();
    return token?.kind === "symbol" && token.text === symbol;
  }

  expectSymbol(symbol: string): void {
    const token = this.next();
    if (token.kind !== "symbol" || token.text !== symbol) {
      throw faults.queryParser(`expected "${symbol}" but found "${token.text}"`);
    }
  }

  word(): string {
    const token = this.next();
    if (token.kind !== "word") throw faults.queryParser(`expected a name but found "${token.text}"`);
    return token.text;
  }

  literal(): QueryLiteral {
    const token = this.next();
    if (token.kind === "string") return token.text;
    if (token.kind === "number") return Number(token.text);
    if (token.kind === "word") {
      const lower = token.text.toLowerCase();
      if (lower === "true") return true;
      if (lower === "false") return false;
    }
    throw faults.queryParser(`expected a value but found "${token.text}"`);
  }

  integer(keyword: string): number {
    const token = this.next();
    if (token.kind !== "number" && token.kind !== "string") throw faults.queryParser(`${keyword} needs a number`);
    const value = Number(token.text);
    if (!Number.isInteger(value)) throw faults.queryParser(`${keyword} needs an integer`);
    return value;
  }
}

const CLAUSE_KEYWORDS = new Set(["ORDERBY", "ORDER", "STARTPOSITION", "MAXRESULTS"]);

export function parseQuery(query: string): ParsedQuery {
  const parser = new Parser(tokenize(query));
  parser.expectKeyword("SELECT");
  let count = false;
  if (parser.isSymbol("*")) {
    parser.next();
  } else if (parser.isKeyword("COUNT")) {
    parser.next();
    parser.expectSymbol("(");
    parser.expectSymbol("*");
    parser.expectSymbol(")");
    count = true;
  } else {
    // Reference §3: no projections, only `*` and `count(*)`.
    throw faults.queryParser("only SELECT * or SELECT COUNT(*) are supported");
  }
  parser.expectKeyword("FROM");
  const entity = parser.word();

  const where: QueryCondition[] = [];
  if (parser.isKeyword("WHERE")) {
    parser.next();
    for (;;) {
      where.push(parseCondition(parser));
      if (parser.isKeyword("AND")) {
        parser.next();
        continue;
      }
      if (parser.isKeyword("OR")) throw faults.queryParser("OR is not supported");
      break;
    }
  }

  const orderBy: QueryOrder[] = [];
  let startPosition = 1;
  let maxResults = QUERY_DEFAULT_MAX_RESULTS;
  while (parser.peek()) {
    if (parser.isKeyword("ORDERBY") || parser.isKeyword("ORDER")) {
      if (parser.next().text.toUpperCase() === "ORDER") parser.expectKeyword("BY");
      for (;;) {
        const property = parser.word();
        let descending = false;
        if (parser.isKeyword("DESC")) {
          parser.next();
          descending = true;
        } else if (parser.isKeyword("ASC")) {
          parser.next();
        }
        orderBy.push({ property, descending });
        if (!parser.isSymbol(",")) break;
        parser.next();
      }
    } else if (parser.isKeyword("STARTPOSITION")) {
      parser.next();
      startPosition = parser.integer("STARTPOSITION");
      if (startPosition < 1) throw faults.queryValidation("STARTPOSITION must be 1 or greater");
    } else if (parser.isKeyword("MAXRESULTS")) {
      parser.next();
      maxResults = parser.integer("MAXRESULTS");
      if (maxResults < 1 || maxResults > QUERY_MAX_RESULTS_LIMIT) {
        throw faults.queryValidation(`MAXRESULTS must be between 1 and ${QUERY_MAX_RESULTS_LIMIT}`);
      }
    } else {
      const token = parser.next();
      throw faults.queryParser(`Encountered "${token.text}"`);
    }
  }
  return { entity, count, where, orderBy, startPosition, maxResults };
}

function parseCondition(parser: Parser): QueryCondition {
  const property = parser.word();
  if (CLAUSE_KEYWORDS.has(property.toUpperCase())) throw faults.queryParser(`expected a property but found "${property}"`);
  if (parser.isKeyword("IN")) {
    parser.next();
    parser.expectSymbol("(");
    const values: QueryLiteral[] = [parser.literal()];
    while (parser.isSymbol(",")) {
      parser.next();
      values.push(parser.literal());
    }
    parser.expectSymbol(")");
    return { property, operator: "IN", values };
  }
  if (parser.isKeyword("LIKE")) {
    parser.next();
    const pattern = parser.literal();
    if (typeof pattern !== "string") throw faults.queryParser("LIKE needs a quoted pattern");
    return { property, operator: "LIKE", values: [pattern] };
  }
  const token = parser.next();
  if (token.kind !== "symbol" || !["=", "<", ">", "<=", ">="].includes(token.text)) {
    throw faults.queryParser(`expected an operator after ${property} but found "${token.text}"`);
  }
  return { property, operator: token.text as QueryOperator, values: [parser.literal()] };
}

/** Reads a dotted path with case-insensitive keys; a ReferenceType compares by its `value`. */
export function readPath(row: JsonObject, path: string): JsonValue | undefined {
  let current: JsonValue | undefined = row;
  for (const segment of path.split(".")) {
    if (!isJsonObject(current)) return undefined;
    const lower = segment.toLowerCase();
    const key: string | undefined = Object.keys(current).find((k) => k.toLowerCase() === lower);
    current = key === undefined ? undefined : current[key];
  }
  if (isJsonObject(current) && "value" in current) return current["value"];
  return current;
}

const NUMERIC_PATTERN = /^-?\d+(\.\d+)?$/;

function isDateTimeProperty(property: string): boolean {
  const lower = property.toLowerCase();
  return lower.startsWith("metadata.") || lower.endsWith("time");
}

/** Sign of (rowValue − literal), or undefined when the two cannot be compared (no match). */
function compare(property: string, rowValue: JsonValue | undefined, literal: QueryLiteral): number | undefined {
  if (rowValue === undefined || rowValue === null || isJsonObject(rowValue) || Array.isArray(rowValue)) return undefined;
  if (typeof rowValue === "boolean") {
    const wanted = typeof literal === "boolean" ? literal : String(literal).toLowerCase() === "true";
    return rowValue === wanted ? 0 : rowValue ? 1 : -1;
  }
  if (typeof rowValue === "number") {
    const wanted = Number(literal);
    return Number.isNaN(wanted) ? undefined : Math.sign(rowValue - wanted);
  }
  const text = String(literal);
  if (isDateTimeProperty(property)) {
    const a = parseQboInstant(rowValue);
    const b = parseQboInstant(text);
    if (a !== undefined && b !== undefined) return Math.sign(a - b);
  }
  if (NUMERIC_PATTERN.test(rowValue) && NUMERIC_PATTERN.test(text)) return Math.sign(Number(rowValue) - Number(text));
  // Reference §3: value comparisons are said to be case-insensitive [I].
  const a = rowValue.toLowerCase();
  const b = text.toLowerCase();
  return a === b ? 0 : a < b ? -1 : 1;
}

function likeToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .split("%")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${escaped}$`, "is");
}

export function matchesCondition(row: JsonObject, condition: QueryCondition): boolean {
  const value = readPath(row, condition.property);
  const literal = condition.values[0];
  switch (condition.operator) {
    case "IN":
      return condition.values.some((v) => compare(condition.property, value, v) === 0);
    case "LIKE":
      return typeof value === "string" && typeof literal === "string" && likeToRegExp(literal).test(value);
    case "=":
      return literal !== undefined && compare(condition.property, value, literal) === 0;
    case "<":
    case ">":
    case "<=":
    case ">=": {
      if (literal === undefined) return false;
      const sign = compare(condition.property, value, literal);
      if (sign === undefined) return false;
      if (condition.operator === "<") return sign < 0;
      if (condition.operator === ">") return sign > 0;
      if (condition.operator === "<=") return sign <= 0;
      return sign >= 0;
    }
  }
}

function sortKey(value: JsonValue | undefined): string | number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value !== "string") return undefined;
  if (NUMERIC_PATTERN.test(value)) return Number(value);
  return value.toLowerCase();
}

export function compareRowsForOrder(orderBy: QueryOrder[]): (a: JsonObject, b: JsonObject) => number {
  return (a, b) => {
    for (const order of orderBy) {
      const ka = sortKey(readPath(a, order.property));
      const kb = sortKey(readPath(b, order.property));
      let sign = 0;
      if (ka === undefined && kb !== undefined) sign = -1;
      else if (ka !== undefined && kb === undefined) sign = 1;
      else if (ka !== undefined && kb !== undefined) {
        if (typeof ka === "number" && typeof kb === "number") sign = Math.sign(ka - kb);
        else {
          const sa = String(ka);
          const sb = String(kb);
          sign = sa < sb ? -1 : sa > sb ? 1 : 0;
        }
      }
      if (sign !== 0) return order.descending ? -sign : sign;
    }
    return Number(a["Id"]) - Number(b["Id"]);
  };
}
