import { credentials, forget, login } from "./login";

// Every request the console makes goes through request(): the one place where authentication
// happens. With security enabled the server answers 401 "Authentication failed" to a request
// without a user's credentials (or with wrong ones): the login box asks for them and the
// request is sent again. X-Requested-With keeps the browser's own login box away.
export async function request(path: string, init: RequestInit = {}): Promise<Response> {
  for (;;) {
    const headers = new Headers(init.headers);
    headers.set("X-Requested-With", "XMLHttpRequest");
    const sent = credentials();
    if (sent) headers.set("Authorization", `Basic ${sent}`);
    const response = await fetch(path, { ...init, headers, cache: "no-store", credentials: "same-origin" });
    if (response.status !== 401 || !(await response.clone().text()).startsWith("Authentication failed")) {
      return response;
    }
    forget();
    await login(sent !== null);
  }
}

export interface QueryResult {
  columns: string[];
  rows: unknown[][];
  ms: number;          // round trip, as the browser saw it
  statement: boolean;  // a statement without a result set (CREATE, INSERT, DELETE, ...)
}

// A failed request: the HTTP status, the Riak error code when the server sent one
// (X-Riak-Error-Code), and Riak's message.
export class ApiError extends Error {
  constructor(readonly status: number, readonly riakCode: number | null, message: string) {
    super(message);
  }
}

export async function query(sql: string): Promise<QueryResult> {
  const started = performance.now();
  let response: Response;
  try {
    response = await request("/ts/v1/query", {
      method: "POST",
      body: sql,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  } catch (e) {
    throw new ApiError(0, null, `Cannot reach the server (${(e as Error).message})`);
  }
  const text = await response.text();
  const ms = performance.now() - started;
  if (!response.ok) {
    const code = response.headers.get("X-Riak-Error-Code");
    throw new ApiError(response.status, code ? Number(code) : null, text.trim() || response.statusText);
  }
  let body: { columns?: string[]; rows?: unknown[][]; success?: boolean };
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(response.status, null, "The server's answer is not JSON");
  }
  if (body.success !== undefined) return { columns: [], rows: [], ms, statement: true };
  const columns = body.columns ?? [];
  return { columns, rows: body.rows ?? [], ms, statement: columns.length === 0 };
}

export async function text(path: string): Promise<string> {
  const response = await request(path);
  if (!response.ok) throw new ApiError(response.status, null, (await response.text()).trim());
  return response.text();
}

// Riak's column description from DESCRIBE, cached per table for the session.
export interface Column {
  name: string;
  type: string;  // varchar, sint64, double, timestamp, boolean, blob
  nullable: boolean;
  partitionKey: number | null;  // position in the partition key, from 1
  localKey: number | null;
  interval: number | null;      // quantum, on the quantum column
  unit: string | null;
  order: string | null;         // ASC / DESC on the local key
}

const described = new Map<string, Promise<Column[]>>();

export function describe(table: string, fresh = false): Promise<Column[]> {
  if (fresh || !described.has(table)) {
    const promise = query(`DESCRIBE ${quoteName(table)}`).then((r) => r.rows.map(toColumn));
    promise.catch(() => described.delete(table));
    described.set(table, promise);
  }
  return described.get(table)!;
}

function toColumn(row: unknown[]): Column {
  const num = (v: unknown) => (typeof v === "number" ? v : null);
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  return {
    name: String(row[0]),
    type: String(row[1]).toLowerCase(),
    nullable: row[2] === true,
    partitionKey: num(row[3]),
    localKey: num(row[4]),
    interval: num(row[5]),
    unit: str(row[6]),
    order: str(row[7]),
  };
}

export async function tables(): Promise<string[]> {
  const result = await query("SHOW TABLES");
  return result.rows.map((row) => String(row[0])).sort((a, b) => a.localeCompare(b));
}

export function quoteName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}
