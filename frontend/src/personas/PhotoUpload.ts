/** Persona photo upload: what the client accepts, the square crop drawn to a canvas, the PUT. */
import type { Area } from 'react-easy-crop';
import { ApiError, csrfToken } from '../api/http';
import type { Persona } from '../api/types';

/** The server's default PHOTO_MAX_BYTES; bigger files are refused before they are read. */
export const MAX_BYTES = 5 * 1024 * 1024;
/** The server refuses images over 25 megapixels. */
export const MAX_PIXELS = 25_000_000;
/** The side of the square that is uploaded. */
export const OUTPUT_SIDE = 512;

export const ACCEPTED: Record<string, string[]> = {
  'image/jpeg': ['.jpg', '.jpeg'],
  'image/png': ['.png'],
  'image/webp': ['.webp'],
};

export function megabytes(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** The server's reason for refusing a photo (400 `{"photo": [...]}`, 413), as a sentence. */
export function photoError(caught: unknown): string {
  if (caught instanceof ApiError) {
    const body = (caught.body ?? {}) as { detail?: string; errors?: { photo?: string[] }; photo?: string[] };
    const reasons = body.errors?.photo ?? body.photo;
    if (caught.status === 400 && reasons?.length) return sentence(reasons.join(' '));
    if (caught.status === 413) return sentence(body.detail || `The photo is larger than ${megabytes(MAX_BYTES)}`);
    if (caught.status === 403) return 'You cannot change this persona’s photo.';
    return sentence(caught.message || 'The photo could not be saved');
  }
  return caught instanceof Error ? sentence(caught.message) : 'The photo could not be saved.';
}

/** Loads an image from a URL (an object URL of the picked file), refusing what is not one. */
export function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error('that file could not be read as an image'));
    image.src = url;
  });
}

/** The cropped square drawn at OUTPUT_SIDE × OUTPUT_SIDE, as PNG (keeps transparency) or JPEG. */
export async function cropToBlob(image: HTMLImageElement, area: Area, type: string): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = OUTPUT_SIDE;
  canvas.height = OUTPUT_SIDE;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('this browser cannot draw the photo');
  const format = type === 'image/png' || type === 'image/webp' ? 'image/png' : 'image/jpeg';
  if (format === 'image/jpeg') {
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, OUTPUT_SIDE, OUTPUT_SIDE);
  }
  context.imageSmoothingQuality = 'high';
  context.drawImage(image, area.x, area.y, area.width, area.height, 0, 0, OUTPUT_SIDE, OUTPUT_SIDE);
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('the photo could not be drawn'))),
      format,
      0.9,
    ),
  );
}

/** `PUT /api/personas/<id>/photo/` with the multipart field `photo`; resolves to the persona. */
export async function uploadPhoto(personaId: string, blob: Blob, name: string): Promise<Persona> {
  const form = new FormData();
  const extension = blob.type === 'image/png' ? 'png' : 'jpg';
  form.append('photo', blob, `${name.replace(/\.[^.]+$/, '') || 'photo'}.${extension}`);
  const response = await fetch(`/api/personas/${personaId}/photo/`, {
    method: 'PUT',
    body: form,
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'X-CSRFToken': csrfToken() ?? '' },
  });
  const text = await response.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const detail = (data as { detail?: string } | null)?.detail ?? response.statusText;
    throw new ApiError(response.status, 'error', detail, data);
  }
  return data as Persona;
}
