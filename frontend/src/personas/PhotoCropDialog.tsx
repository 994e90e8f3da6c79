import { useEffect, useRef, useState } from 'react';
import Cropper, { type Area } from 'react-easy-crop';
import 'react-easy-crop/react-easy-crop.css';
import { Dialog } from '../board/Dialog';
import { cropToBlob, loadImage, MAX_PIXELS } from './PhotoUpload';

const MIN_ZOOM = 1;
const MAX_ZOOM = 4;

/** Crop the picked image to a square: drag to place, slider (or wheel) to zoom, then save. */
export function PhotoCropDialog({
  file,
  busy,
  onCancel,
  onError,
  onSave,
}: {
  file: File;
  busy: boolean;
  onCancel: () => void;
  onError: (message: string) => void;
  onSave: (blob: Blob, name: string) => void;
}) {
  const [url, setUrl] = useState<string | null>(null);
  const [image, setImage] = useState<HTMLImageElement | null>(null);
  const [crop, setCrop] = useState({ x: 0, y: 0 });
  const [zoom, setZoom] = useState(1);
  const [area, setArea] = useState<Area | null>(null);
  const [drawing, setDrawing] = useState(false);
  const preview = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const objectUrl = URL.createObjectURL(file);
    let live = true;
    loadImage(objectUrl)
      .then((loaded) => {
        if (!live) return;
        if (loaded.naturalWidth * loaded.naturalHeight > MAX_PIXELS) {
          onError(`“${file.name}” is over 25 megapixels — choose a smaller image.`);
          return;
        }
        setImage(loaded);
        setUrl(objectUrl);
      })
      .catch(() => live && onError(`“${file.name}” could not be read as an image.`));
    return () => {
      live = false;
      URL.revokeObjectURL(objectUrl);
    };
  }, [file]);

  // The small round preview: what the avatar will show.
  useEffect(() => {
    const canvas = preview.current;
    const context = canvas?.getContext('2d');
    if (!canvas || !context || !image || !area) return;
    context.clearRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, area.x, area.y, area.width, area.height, 0, 0, canvas.width, canvas.height);
  }, [image, area]);

  async function save() {
    if (!image || !area) return;
    setDrawing(true);
    try {
      onSave(await cropToBlob(image, area, file.type), file.name);
    } catch (caught) {
      onError(caught instanceof Error ? caught.message : 'The photo could not be drawn.');
    } finally {
      setDrawing(false);
    }
  }

  return (
    <Dialog title="Crop photo" onClose={busy ? () => undefined : onCancel} wide>
      <div className="photo-crop">
        <div className="photo-crop-area" data-testid="photo-crop-area">
          {url ? (
            <Cropper
              image={url}
              crop={crop}
              zoom={zoom}
              minZoom={MIN_ZOOM}
              maxZoom={MAX_ZOOM}
              aspect={1}
              cropShape="round"
              showGrid={false}
              onCropChange={setCrop}
              onZoomChange={setZoom}
              onCropComplete={(_, pixels) => setArea(pixels)}
              disableAutomaticStylesInjection
              mediaProps={{ alt: 'The photo being cropped' }}
            />
          ) : (
            <p className="photo-crop-loading">Reading the image…</p>
          )}
        </div>
        <div className="photo-crop-side">
          <div className="photo-crop-preview">
            <canvas ref={preview} width={128} height={128} aria-label="Preview of the cropped photo" role="img" />
            <span className="muted small">Preview</span>
          </div>
          <label className="field photo-zoom">
            <span>Zoom</span>
            <input
              type="range"
              min={MIN_ZOOM}
              max={MAX_ZOOM}
              step={0.01}
              value={zoom}
              onChange={(e) => setZoom(Number(e.target.value))}
              disabled={!url}
            />
          </label>
          <p className="muted small">Drag the image to frame the face. Saved as a {512}×{512} square.</p>
        </div>
      </div>
      <div className="dialog-actions">
        <button type="button" className="btn btn-ghost" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <button type="button" className="btn btn-primary" onClick={save} disabled={!area || busy || drawing}>
          {busy ? 'Saving…' : 'Save photo'}
        </button>
      </div>
    </Dialog>
  );
}
