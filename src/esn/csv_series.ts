// Reading a time series out of CSV text: one column of numbers, one value per row, with an
// optional header row. Only parsing lives here (no file access, so it works in browsers too);
// every malformed input gets an error naming the row and column and what was expected.

/** A column of a CSV file as a series. */
export interface CsvSeries {
  values: Float64Array;
  /** The column read, 1-based. */
  column: number;
  /** Its header name, when the file has a header row. */
  name: string | null;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses one column of CSV text into numbers.
 *
 * - Delimiter: comma, or tab / semicolon when the first row has no comma.
 * - Header: the first row is a header when its cell in the chosen column is not a number.
 * - Column: `column` is a 1-based index or a header name; by default the last column (so both
 *   `value` and `time,value` files work).
 * - Blank lines are skipped; double-quoted cells may contain delimiters and "" for a quote.
 *
 * @param source  the file name, used in error messages
 * @throws Error naming the row (the line number in the file) and column of the first bad cell:
 *   a missing cell, an empty cell, text that is not a number, NaN or an infinity.
 */
export function parseCsvSeries(text: string, opts: { column?: number | string; source?: string } = {}): CsvSeries {
  const where = opts.source ? `${opts.source}: ` : '';
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r\n|\n|\r/);
  const rows: { line: number; cells: string[] }[] = [];
  let delimiter: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    if (delimiter === null) {
      const bare = lines[i].replace(/"[^"]*"/g, ''); // delimiters inside quotes do not count
      delimiter = bare.includes(',') ? ',' : bare.includes('\t') ? '\t' : bare.includes(';') ? ';' : ',';
    }
    rows.push({ line: i + 1, cells: splitRow(lines[i], delimiter, i + 1, where) });
  }
  if (rows.length === 0) throw new Error(`${where}expected a CSV time series, got an empty file`);
  const first = rows[0];
  const width = first.cells.length;

  let col: number; // 0-based
  let header: boolean;
  const spec = opts.column;
  if (typeof spec === 'string' && !/^\d+$/.test(spec.trim())) {
    col = first.cells.findIndex((c) => c.trim() === spec.trim());
    if (col < 0) throw new Error(`${where}expected a column named '${spec}' in the header row, got ${first.cells.map((c) => `'${c.trim()}'`).join(', ')}`);
    header = true;
  } else {
    const k = spec === undefined ? width : typeof spec === 'number' ? spec : Number(spec.trim());
    if (!Number.isInteger(k) || k < 1) throw new Error(`${where}expected a column number >= 1, got ${spec}`);
    if (k > width) throw new Error(`${where}expected at least ${k} columns, got ${width} in row ${first.line}`);
    col = k - 1;
    header = !NUMBER.test(first.cells[col].trim()) && !/^[+-]?(nan|inf|infinity)$/i.test(first.cells[col].trim());
  }
  const name = header ? first.cells[col].trim() : null;
  const label = `column ${col + 1}${name ? ` ('${name}')` : ''}`;

  const data = header ? rows.slice(1) : rows;
  if (data.length === 0) throw new Error(`${where}expected rows of numbers after the header, got none`);
  const values = new Float64Array(data.length);
  for (let r = 0; r < data.length; r++) {
    const { line, cells } = data[r];
    if (cells.length !== width) {
      throw new Error(`${where}row ${line} has ${cells.length} cell${cells.length === 1 ? '' : 's'}, expected ${width} like row ${first.line}`);
    }
    const cell = cells[col].trim();
    if (cell === '') throw new Error(`${where}row ${line}, ${label} is empty; expected a number`);
    if (/^[+-]?nan$/i.test(cell)) throw new Error(`${where}row ${line}, ${label} is NaN; expected a finite number`);
    if (/^[+-]?(inf|infinity)$/i.test(cell)) throw new Error(`${where}row ${line}, ${label} is infinite ('${cell}'); expected a finite number`);
    if (!NUMBER.test(cell)) throw new Error(`${where}row ${line}, ${label} is '${cell.length > 40 ? cell.slice(0, 40) + '…' : cell}', not a number`);
    const v = Number(cell);
    if (!Number.isFinite(v)) throw new Error(`${where}row ${line}, ${label} ('${cell}') overflows a double; expected a finite number`);
    values[r] = v;
  }
  return { values, column: col + 1, name };
}

// Splits one line into cells, honouring double quotes.
function splitRow(line: string, delimiter: string, lineNo: number, where: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const cells: string[] = [];
  let cur = '', i = 0, quoted = false;
  while (i < line.length) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i += 2; continue; }
      if (ch === '"') { quoted = false; i++; continue; }
      cur += ch; i++;
    } else if (ch === '"') { quoted = true; i++; }
    else if (ch === delimiter) { cells.push(cur); cur = ''; i++; }
    else { cur += ch; i++; }
  }
  if (quoted) throw new Error(`${where}row ${lineNo} has an unterminated quoted cell`);
  cells.push(cur);
  return cells;
}
