// The first worksheet of an .xlsx file as CSV text, for the roster import:
// the server has one import path (CSV), so Excel files are turned into CSV here.
// ExcelJS is loaded on first use only (it is large).

/** A cell's value as the text the import expects (dates as YYYY-MM-DD). */
export function cellText(v) {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) {
    // ExcelJS gives calendar dates as UTC midnight
    const p = (n) => String(n).padStart(2, '0');
    return `${v.getUTCFullYear()}-${p(v.getUTCMonth() + 1)}-${p(v.getUTCDate())}`;
  }
  if (typeof v === 'object') {
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellText(v.result);
    if ('text' in v) return cellText(v.text);
    if ('error' in v) return '';
    return String(v);
  }
  return String(v);
}

/** One CSV field, quoted when it holds a comma, a quote or a line break. */
export function csvField(s) {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** rows: arrays of cell values → CSV text (CRLF line ends, trailing empty rows dropped). */
export function rowsToCsv(rows) {
  const lines = rows.map((r) => r.map((c) => csvField(cellText(c))).join(','));
  while (lines.length && /^,*$/.test(lines[lines.length - 1])) lines.pop();
  return lines.length ? `${lines.join('\r\n')}\r\n` : '';
}

/** The first worksheet of the workbook in buffer (ArrayBuffer) as CSV text. */
export async function xlsxToCsv(buffer) {
  const mod = await import('exceljs');
  const ExcelJS = mod.default || mod;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer);
  const ws = wb.worksheets[0];
  if (!ws) return '';
  const width = ws.columnCount;
  const rows = [];
  ws.eachRow({ includeEmpty: true }, (row) => {
    const cells = [];
    for (let c = 1; c <= width; c++) cells.push(row.getCell(c).value);
    rows.push(cells);
  });
  return rowsToCsv(rows);
}
