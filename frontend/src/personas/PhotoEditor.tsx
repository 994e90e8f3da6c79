import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useDropzone, type FileRejection } from 'react-dropzone';
import { api, ApiError } from '../api/http';
import type { Persona } from '../api/types';
import { PersonaAvatar } from '../pages/personaBits';
import { PhotoCropDialog } from './PhotoCropDialog';
import { ACCEPTED, MAX_BYTES, megabytes, photoError, uploadPhoto } from './PhotoUpload';
import '../styles/personas-repo.css';

function CameraIcon() {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
      <path
        d="M4 8h3l2-3h6l2 3h3a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V9a1 1 0 0 1 1-1Z"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinejoin="round"
      />
      <circle cx="12" cy="13.5" r="3.5" fill="none" stroke="currentColor" strokeWidth="1.8" />
    </svg>
  );
}

function rejectionMessage(rejection: FileRejection): string {
  const code = rejection.errors[0]?.code;
  if (code === 'file-invalid-type') return `“${rejection.file.name}” is not a JPEG, PNG or WebP image.`;
  if (code === 'file-too-large') return `“${rejection.file.name}” is larger than ${megabytes(MAX_BYTES)} — choose a smaller image.`;
  if (code === 'too-many-files') return 'Drop one image at a time.';
  return rejection.errors[0]?.message ?? 'That file cannot be used as a photo.';
}

/** The persona's photo with upload (drop or pick), square crop and removal. */
export function PhotoEditor({
  persona,
  canEdit,
  onChange,
}: {
  persona: Persona;
  canEdit: boolean;
  onChange: (persona: Persona) => void;
}) {
  const client = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'upload' | 'remove' | null>(null);

  const dropzone = useDropzone({
    accept: ACCEPTED,
    maxSize: MAX_BYTES,
    multiple: false,
    noClick: true,
    noKeyboard: true,
    disabled: !canEdit || busy !== null,
    onDrop: (accepted, rejected) => {
      if (rejected[0]) {
        setError(rejectionMessage(rejected[0]));
        return;
      }
      if (accepted[0]) {
        setError(null);
        setFile(accepted[0]);
      }
    },
  });

  // A photo change elsewhere (another tab, a restore) clears a stale error.
  useEffect(() => setError(null), [persona.photo]);

  function saved(next: Persona) {
    client.invalidateQueries({ queryKey: ['personas'] });
    onChange(next);
  }

  async function upload(blob: Blob, name: string) {
    setBusy('upload');
    setError(null);
    try {
      saved(await uploadPhoto(persona.id, blob, name));
      setFile(null);
    } catch (caught) {
      // The dialog closes; the reason stays next to the photo.
      setFile(null);
      setError(photoError(caught));
    } finally {
      setBusy(null);
    }
  }

  async function remove() {
    setBusy('remove');
    setError(null);
    try {
      saved(await api<Persona>(`/api/personas/${persona.id}/photo/`, { method: 'DELETE' }));
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'The photo could not be removed.');
    } finally {
      setBusy(null);
    }
  }

  if (!canEdit) {
    return (
      <div className="photo-editor">
        <div className="photo-frame">
          <PersonaAvatar persona={persona} size={112} />
        </div>
      </div>
    );
  }

  const { isDragActive, isDragReject } = dropzone;
  return (
    <div className="photo-editor">
      <div
        {...dropzone.getRootProps({
          className: `photo-drop ${isDragActive ? 'dragging' : ''} ${isDragReject ? 'rejecting' : ''}`,
          role: 'group',
          'aria-label': 'Persona photo',
        })}
        data-testid="photo-drop"
      >
        <input {...dropzone.getInputProps()} aria-label="Choose a photo" data-testid="photo-input" />
        <button
          type="button"
          className="photo-frame photo-frame-button"
          onClick={dropzone.open}
          disabled={busy !== null}
          title={persona.photo ? 'Change photo' : 'Add a photo'}
        >
          <span className="photo-frame-avatar" aria-hidden="true">
            <PersonaAvatar persona={persona} size={112} />
          </span>
          <span className="photo-overlay" aria-hidden="true">
            <CameraIcon />
          </span>
          <span className="sr-only">{persona.photo ? 'Change photo' : 'Add a photo'}</span>
        </button>
        {isDragActive && (
          <span className="photo-drop-hint" aria-hidden="true">
            {isDragReject ? 'Not an image' : 'Drop to use'}
          </span>
        )}
      </div>
      <div className="photo-actions">
        <button type="button" className="link-btn" onClick={dropzone.open} disabled={busy !== null}>
          {busy === 'upload' ? 'Uploading…' : persona.photo ? 'Change photo' : 'Upload photo'}
        </button>
        {persona.photo && (
          <button type="button" className="link-btn danger" onClick={remove} disabled={busy !== null}>
            {busy === 'remove' ? 'Removing…' : 'Remove photo'}
          </button>
        )}
      </div>
      {error && (
        <p className="photo-error form-error" role="alert">
          {error}
        </p>
      )}
      {file && (
        <PhotoCropDialog
          file={file}
          busy={busy === 'upload'}
          onCancel={() => setFile(null)}
          onError={(message) => {
            setFile(null);
            setError(message);
          }}
          onSave={upload}
        />
      )}
    </div>
  );
}
