import type { FastifyReply } from 'fastify';

/** A file sent as a download: its bytes, its name (any characters; RFC 6266 encoded) and its media type. */
export interface Download {
  readonly body: string | Buffer;
  readonly fileName: string;
  readonly contentType: string;
}

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The media type of an export format. */
export const exportMediaType = (format: 'csv' | 'xlsx'): string => (format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_MEDIA_TYPE);

/**
 * Sends `file` as an attachment: an ASCII fallback name and the exact name as `filename*`, never
 * sniffed or cached (exports hold scoped figures).
 */
export function sendDownload(reply: FastifyReply, file: Download): FastifyReply {
  void reply.header('content-type', file.contentType);
  void reply.header('content-disposition', `attachment; filename="${file.fileName.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`);
  void reply.header('x-content-type-options', 'nosniff');
  void reply.header('cache-control', 'no-store');
  return reply.send(file.body);
}
