import type { AttachmentMeta } from './work-order.ts';

/** What may be attached to a work order: a size cap, an allow-list of types, a count cap. */
export interface AttachmentLimits {
  readonly maxSizeBytes: number;
  readonly allowedContentTypes: readonly string[];
  readonly maxPerOrder: number;
}

/** 20 MiB of documents, spreadsheets, images and PDFs; no executables or archives. */
export const DEFAULT_ATTACHMENT_LIMITS: AttachmentLimits = {
  maxSizeBytes: 20 * 1024 * 1024,
  allowedContentTypes: [
    'application/pdf',
    'image/png',
    'image/jpeg',
    'text/plain',
    'text/csv',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.ms-excel',
    'application/msword',
  ],
  maxPerOrder: 20,
};

export type AttachmentCheck = { readonly ok: true } | { readonly ok: false; readonly field: string; readonly message: string };

/** Checks declared metadata; the upload route must also cap the bytes it actually reads. */
export function validateAttachment(meta: AttachmentMeta, existing: number, limits: AttachmentLimits = DEFAULT_ATTACHMENT_LIMITS): AttachmentCheck {
  const name = meta.fileName.trim();
  if (name === '' || name.length > 255 || /[/\\\0]/.test(name)) {
    return { ok: false, field: 'fileName', message: 'file name must be 1–255 characters without path separators' };
  }
  const type = meta.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!limits.allowedContentTypes.includes(type)) {
    return { ok: false, field: 'contentType', message: `file type not allowed: ${type}` };
  }
  if (!Number.isInteger(meta.sizeBytes) || meta.sizeBytes <= 0 || meta.sizeBytes > limits.maxSizeBytes) {
    return { ok: false, field: 'sizeBytes', message: `file size must be between 1 byte and ${limits.maxSizeBytes} bytes` };
  }
  if (existing >= limits.maxPerOrder) {
    return { ok: false, field: 'attachments', message: `at most ${limits.maxPerOrder} attachments per work order` };
  }
  return { ok: true };
}
