/** Saving the persona editor's edits: optimistic, one PATCH at a time with `base_version`, edits
 * made meanwhile coalesced into the next one, and a 409 turned into per-field conflicts. */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/http';
import { getPersona, patchPersona, personaKey, type PersonaPatch } from '../api/personas';
import type { Persona } from '../api/types';
import { isConflict, overlay, saveErrorText, splitConflict, type FieldConflict } from './EditorModel';

export type SaveStatus =
  | { state: 'idle' }
  | { state: 'saving' }
  | { state: 'saved'; open?: number }
  | { state: 'conflict'; count: number }
  | { state: 'error'; message: string };

export interface PersonaSaver {
  status: SaveStatus;
  conflicts: FieldConflict[];
  save: (patch: PersonaPatch) => void;
  keepTheirs: (field: string) => void;
  takeMine: (field: string) => void;
  /** The next save started from this (older) version: send it as its base. */
  pin: (version: number) => void;
  /** Put a persona the server answered with (restore, review, photo) into place. */
  replace: (persona: Persona) => void;
}

export function usePersonaSaver(id: string | undefined): PersonaSaver {
  const client = useQueryClient();
  const [status, setStatus] = useState<SaveStatus>({ state: 'idle' });
  const [conflicts, setConflicts] = useState<FieldConflict[]>([]);
  const pending = useRef<PersonaPatch>({});
  const inflight = useRef(false);
  const pinned = useRef<number | null>(null);
  const pendingBase = useRef<number | null>(null);
  const conflictsRef = useRef<FieldConflict[]>([]);
  conflictsRef.current = conflicts;

  const current = useCallback(() => client.getQueryData<Persona>(personaKey(id)), [client, id]);
  const put = useCallback(
    (persona: Persona) => client.setQueryData(personaKey(id), overlay(persona, pending.current)),
    [client, id],
  );

  const pump = useCallback(async (): Promise<void> => {
    if (!id || inflight.current) return;
    const patch = pending.current;
    if (!Object.keys(patch).length) return;
    const shownVersion = current()?.version;
    const base =
      pendingBase.current !== null && shownVersion !== undefined
        ? Math.min(pendingBase.current, shownVersion)
        : shownVersion;
    pending.current = {};
    pendingBase.current = null;
    inflight.current = true;
    setStatus({ state: 'saving' });
    let next: SaveStatus = { state: 'saved' };
    try {
      const saved = await patchPersona(id, patch, base);
      put(saved);
      void client.invalidateQueries({ queryKey: ['persona-versions', id] });
      void client.invalidateQueries({ queryKey: ['personas', saved.workspace] });
    } catch (error) {
      if (error instanceof ApiError && error.status === 409 && isConflict(error.body)) {
        const { conflicts: found, resend } = splitConflict(patch, error.body);
        setConflicts((prev) => [...prev.filter((c) => !found.some((f) => f.field === c.field)), ...found]);
        pending.current = { ...resend, ...pending.current };
        next = { state: 'conflict', count: found.length };
      } else {
        next = { state: 'error', message: saveErrorText(error) };
      }
      // Whatever was refused, show what the server holds now (with edits still to send on top).
      try {
        put(await getPersona(id));
      } catch {
        /* keep what is shown */
      }
    } finally {
      inflight.current = false;
    }
    if (Object.keys(pending.current).length) {
      void pump();
    } else {
      const open = conflictsRef.current.length;
      setStatus(next.state === 'saved' && open ? { state: 'saved', open } : next);
    }
  }, [client, current, id, put]);

  const save = useCallback(
    (patch: PersonaPatch) => {
      const shown = current();
      if (shown) client.setQueryData(personaKey(id), overlay(shown, patch));
      pending.current = { ...pending.current, ...patch };
      if (pinned.current !== null) {
        pendingBase.current = Math.min(pendingBase.current ?? pinned.current, pinned.current);
        pinned.current = null;
      }
      // Editing a field again settles its conflict: the new value is the choice.
      const fields = Object.keys(patch);
      if (conflictsRef.current.some((c) => fields.includes(c.field))) {
        setConflicts((prev) => prev.filter((c) => !fields.includes(c.field)));
      }
      void pump();
    },
    [client, current, id, pump],
  );

  const keepTheirs = useCallback(
    (field: string) => {
      const conflict = conflictsRef.current.find((c) => c.field === field);
      setConflicts((prev) => prev.filter((c) => c.field !== field));
      const shown = current();
      if (conflict && shown && !(field in pending.current)) {
        client.setQueryData(personaKey(id), { ...shown, [field]: conflict.theirs });
      }
      const open = conflictsRef.current.filter((c) => c.field !== field).length;
      setStatus((prev) =>
        prev.state === 'conflict' || prev.state === 'saved' ? { state: 'saved', open: open || undefined } : prev,
      );
    },
    [client, current, id],
  );

  const takeMine = useCallback(
    (field: string) => {
      const conflict = conflictsRef.current.find((c) => c.field === field);
      if (!conflict) return;
      save({ [field]: conflict.mine } as PersonaPatch);
    },
    [save],
  );

  const replace = useCallback((persona: Persona) => put(persona), [put]);
  const pin = useCallback((version: number) => {
    pinned.current = pinned.current === null ? version : Math.min(pinned.current, version);
  }, []);

  // A conflict from one persona does not follow to another.
  useEffect(() => {
    setConflicts([]);
    setStatus({ state: 'idle' });
    pending.current = {};
    pendingBase.current = null;
  }, [id]);

  return { status, conflicts, save, keepTheirs, takeMine, replace, pin };
}
