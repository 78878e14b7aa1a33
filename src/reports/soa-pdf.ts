import pdfmakeModule from 'pdfmake';
import { SOA_COLUMNS, type SoaDocumentInfo } from './soa-table.js';

/** pdfmake's server build is one shared instance; only the PDF standard fonts are used, so no font file is read. */
const pdfmake = ((pdfmakeModule as unknown as { default?: unknown }).default ?? pdfmakeModule) as {
  setFonts(fonts: object): void; setUrlAccessPolicy(f: (url: string) => boolean): void; setLocalAccessPolicy(f: (path: string) => boolean): void;
  createPdf(doc: object): { getBuffer(): Promise<Buffer> };
};
const STANDARD_FONTS = { Helvetica: { normal: 'Helvetica', bold: 'Helvetica-Bold', italics: 'Helvetica-Oblique', bolditalics: 'Helvetica-BoldOblique' } };
const FONT_NAMES = new Set(Object.values(STANDARD_FONTS.Helvetica));

/** Helvetica covers WinAnsi only: anything else is shown as '?', never as a missing glyph box. */
const winAnsi = (s: string) => s.replace(/[^\x09\x0a\x0d\x20-\x7e\xa0-\xff\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u20ac]/g, '?');

/** The SoA as a landscape A4 PDF: title, what it is of, then the table with its header repeated on every page. */
export async function renderSoaPdf(table: readonly string[][], info: SoaDocumentInfo): Promise<Buffer> {
  // Set on every call: the instance is shared with other reports, which may have set other fonts.
  pdfmake.setFonts(STANDARD_FONTS);
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy((path) => FONT_NAMES.has(path));
  const header = SOA_COLUMNS.map((text) => ({ text, bold: true, fillColor: '#e8eef4' }));
  const doc = {
    info: { title: `Statement of Applicability — ${winAnsi(info.organization)}`, subject: winAnsi(info.subtitle), creator: 'tenantproof' },
    pageSize: 'A4', pageOrientation: 'landscape', pageMargins: [24, 32, 24, 32],
    defaultStyle: { font: 'Helvetica', fontSize: 6.5 },
    footer: (page: number, pages: number) => ({ text: `${page} / ${pages}`, alignment: 'center', fontSize: 7, margin: [0, 8, 0, 0] }),
    content: [
      { text: 'Statement of Applicability', fontSize: 16, bold: true },
      { text: `${winAnsi(info.organization)} — ISO/IEC 27001:2022 Annex A`, fontSize: 10, margin: [0, 2, 0, 0] },
      { text: winAnsi(info.subtitle), fontSize: 8, color: '#555555', margin: [0, 2, 0, 8] },
      {
        table: {
          headerRows: 1,
          widths: [24, 90, 44, 34, '*', 40, 150, 60, 60],
          body: [header, ...table.map((row) => row.map((cell) => winAnsi(cell)))],
        },
        layout: 'lightHorizontalLines',
      },
    ],
  };
  return pdfmake.createPdf(doc).getBuffer();
}
