import qrcode from 'qrcode-terminal';

/**
 * Renders `text` as a QR code in half-block characters, two modules per
 * character cell (qrcode-terminal's small mode), so a WhatsApp QR of about
 * 45 modules fits in 50 columns and 25 lines. qrcode-terminal draws light
 * modules as filled blocks, for light text on a dark terminal.
 */
export function renderQr(text: string): string {
  let output = '';
  qrcode.generate(text, { small: true }, (rendered) => {
    output = rendered;
  });
  return output.endsWith('\n') ? output : `${output}\n`;
}
