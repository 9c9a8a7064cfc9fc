package dev.latchkey.server.web.pages;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.util.Map;

/**
 * A QR code as inline SVG: zxing's core encodes, and one path of unit squares draws it, so no image library (zxing's
 * {@code javase}, AWT) is needed and the page needs no image request. A quiet zone of four modules (ISO/IEC 18004).
 */
final class QrSvg {
    private static final int QUIET = 4;

    private QrSvg() {}

    static String of(String text) {
        com.google.zxing.common.BitMatrix matrix;
        try {
            matrix = new QRCodeWriter()
                    .encode(
                            text,
                            BarcodeFormat.QR_CODE,
                            0,
                            0,
                            Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 0));
        } catch (WriterException e) {
            throw new IllegalStateException("an otpauth URI is far below a QR code's capacity", e);
        }
        int size = matrix.getWidth() + 2 * QUIET;
        var path = new StringBuilder();
        for (int y = 0; y < matrix.getHeight(); y++) {
            for (int x = 0; x < matrix.getWidth(); x++) {
                if (matrix.get(x, y)) {
                    path.append('M')
                            .append(x + QUIET)
                            .append(' ')
                            .append(y + QUIET)
                            .append("h1v1h-1z");
                }
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" role=\"img\" aria-label=\"QR code\" viewBox=\"0 0 "
                + size + " " + size + "\" width=\"" + size * 5 + "\" height=\"" + size * 5
                + "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\""
                + path + "\"/></svg>";
    }
}
