// The roster import's Excel reader: a workbook written with ExcelJS comes back
// as the CSV the server imports (dates, numbers, commas, quotes, line breaks).
import './node-globals.mjs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { xlsxToCsv, rowsToCsv, cellText } from '../src/admin/people/xlsx.js';

test('cells become import text', () => {
  assert.equal(cellText(new Date(Date.UTC(1975, 4, 1))), '1975-05-01');
  assert.equal(cellText(13800000001), '13800000001');
  assert.equal(cellText({ richText: [{ text: '张' }, { text: '三' }] }), '张三');
  assert.equal(cellText({ formula: 'A1', result: 7 }), '7');
  assert.equal(cellText(null), '');
  assert.equal(rowsToCsv([['a,b', 'say "hi"', 'x\ny'], [null, null, null]]), '"a,b","say ""hi""","x\ny"\r\n');
});

test('an .xlsx workbook reads as CSV', async () => {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('名册');
  ws.addRow(['姓名', '出生日期', '手机号', '所在支部', '承诺']);
  ws.addRow(['张三', new Date(Date.UTC(1980, 2, 5)), 13900001001, '第一党支部', '立足岗位,服务群众']);
  ws.addRow(['李四', '1981-02-05', '13900001002', '第二党支部', null]);
  const buf = await wb.xlsx.writeBuffer();
  const csv = await xlsxToCsv(buf);
  assert.equal(csv, '姓名,出生日期,手机号,所在支部,承诺\r\n'
    + '张三,1980-03-05,13900001001,第一党支部,"立足岗位,服务群众"\r\n'
    + '李四,1981-02-05,13900001002,第二党支部,\r\n');
});
