// Helpers for attachments on both screens: sizes and kinds in Chinese, photos shrunk in
// the browser before they are sent (~2 megapixels, JPEG), and uploads that retry on a bad
// connection under one Idempotency-Key, so a retry never stores a second copy.
import { uploadFile } from '../api.js';
import { t } from '../i18n.js';

/** 1536 → "1.5 KB", 3145728 → "3.0 MB" */
export function formatSize(n) {
  if (!n) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** The Chinese name of an attachment's kind, e.g. photo → 照片. */
export const kindName = (kind) => t(`files.kinds.${kind}`);

/** A short label for a file's type: 图片, PDF, Word, … */
export function typeLabel(f) {
  if (f.url) return t('files.type.link');
  if (!f.href) return t('files.type.nameOnly');
  const m = f.media_type || '';
  if (m.startsWith('image/')) return t('files.type.image');
  if (m === 'application/pdf') return 'PDF';
  if (m.startsWith('video/')) return t('files.type.video');
  if (/word|wps-office\.wps/.test(m)) return 'Word';
  if (/excel|sheet|wps-office\.et|csv/.test(m)) return 'Excel';
  if (/powerpoint|presentation|wps-office\.dps/.test(m)) return 'PPT';
  if (m.startsWith('text/')) return t('files.type.text');
  return t('files.type.file');
}

/** May the browser show it (image, PDF, video) instead of saving it? */
export const previewable = (f) => !!f.href && /^(image\/|application\/pdf|video\/mp4)/.test(f.media_type || '');

/** A random Idempotency-Key for one chosen file (kept across its retries). */
export function uploadKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return `up-${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`;
}

function loadImage(file) {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(file);
    const img = new Image();
    img.onload = () => resolve({ img, url });
    img.onerror = () => { URL.revokeObjectURL(url); reject(new Error('decode')); };
    img.src = url;
  });
}

/**
 * A photo shrunk to about maxPixels (2 MP) as a JPEG; photos already small, and files
 * that are not images, come back as they are. The browser turns the photo upright (EXIF)
 * while drawing; an iPhone's HEIC becomes a JPEG the server accepts.
 */
export async function compressImage(file, { maxPixels = 2e6, quality = 0.85 } = {}) {
  if (!file.type.startsWith('image/') || file.type === 'image/gif') return file;
  const heic = /heic|heif/i.test(file.type) || /\.(heic|heif)$/i.test(file.name || '');
  let loaded;
  try { loaded = await loadImage(file); } catch { return file; }
  const { img, url } = loaded;
  try {
    const w = img.naturalWidth, h = img.naturalHeight;
    const scale = Math.min(1, Math.sqrt(maxPixels / (w * h)));
    if (scale === 1 && !heic && file.size < 1.5 * 1024 * 1024) return file;
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(w * scale));
    canvas.height = Math.max(1, Math.round(h * scale));
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((r) => canvas.toBlob(r, 'image/jpeg', quality));
    if (!blob || (blob.size >= file.size && !heic)) return file;
    const name = (file.name || 'photo').replace(/\.[^.]*$/, '') + '.jpg';
    return new File([blob], name, { type: 'image/jpeg' });
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * Uploads with retries: a network failure or a busy server is tried again (after 1, 2,
 * 4 … s, at most `tries` times) with the same Idempotency-Key. onState({phase:
 * 'uploading'|'retrying', progress, attempt}). Other errors (413, 415, 403) are final.
 */
export async function uploadWithRetry(blob, opts, { tries = 4, onState } = {}) {
  const key = opts.key || uploadKey();
  for (let attempt = 1; ; attempt++) {
    try {
      return await uploadFile(blob, {
        ...opts, key,
        onProgress: (p) => onState && onState({ phase: 'uploading', progress: p, attempt }),
      });
    } catch (e) {
      const transient = e.status === 0 || e.status === 503 || e.status === 502 || e.status === 504;
      if (!transient || e.code === 'aborted' || attempt >= tries) throw e;
      if (onState) onState({ phase: 'retrying', progress: 0, attempt });
      await new Promise((r) => setTimeout(r, 1000 * 2 ** (attempt - 1)));
    }
  }
}
