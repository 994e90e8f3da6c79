import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { downloadExport, exportFilename, personaSheetPath } from '../api/exports';
import { ApiError } from '../api/http';
import {
  createPersona,
  personaKey,
  usePersona,
  usePersonaEvidence,
  usePersonaTemplate,
  type PersonaEvidence,
  type PersonaPatch,
  type PersonaTier,
  type TemplateSection,
  type TemplateSectionKey,
} from '../api/personas';
import { useChannels, useMembers, useSegments } from '../api/queries';
import type { Channel, Me, Member, Persona } from '../api/types';
import { useMe, useWorkspace } from '../app/auth';
import { DownloadIcon } from '../board/ExportDialog';
import { ConflictNotice } from '../personas/ConflictNotice';
import { ColorField, EditBaseContext, NumberField, SelectField, TextField } from '../personas/EditorFields';
import {
  groupFor,
  interviewProgress,
  orderedSections,
  quoteSource,
  saveErrorText,
  SECTION_FIELDS,
  sectionHasContent,
  spanningSections,
  type FieldConflict,
} from '../personas/EditorModel';
import { usePersonaSaver, type PersonaSaver, type SaveStatus } from '../personas/EditorSave';
import { EvidenceBadge } from '../personas/EvidenceBadge';
import { HistoryPanel } from '../personas/HistoryPanel';
import { ListEditor } from '../personas/ListEditor';
import { PersonaUsage } from '../personas/PersonaUsage';
import { PhotoEditor } from '../personas/PhotoEditor';
import { ReviewDialog } from '../personas/ReviewDialog';
import { TemplateDialog } from '../personas/TemplateDialog';
import '../styles/persona-editor.css';
import { NotFoundPage } from './NotFoundPage';
import { PersonaAvatar } from './personaBits';

const TIERS: { value: PersonaTier; label: string }[] = [
  { value: 'primary', label: 'Primary' },
  { value: 'secondary', label: 'Secondary' },
  { value: 'negative', label: 'Negative' },
];
const CHURN = [
  { value: '', label: 'Not set' },
  { value: 'low', label: 'Low' },
  { value: 'medium', label: 'Medium' },
  { value: 'high', label: 'High' },
];
const PRIMARY_LIMIT = 5;
const WIDE_SECTIONS = new Set<string>(['demographics', 'psychographics', 'empathy_map']);
const QUARTERLY = 90;
const HEADER_FIELDS = ['name', 'tier', 'color', 'bio', 'owner', 'review_cadence_days'];
const EMPATHY = ['says', 'thinks', 'does', 'feels'] as const;
const EMPATHY_PROMPTS: Record<(typeof EMPATHY)[number], string> = {
  says: 'What do they say out loud?',
  thinks: 'What goes through their mind?',
  does: 'What do they do?',
  feels: 'How do they feel?',
};

type ListField =
  | 'goals'
  | 'needs'
  | 'pain_points'
  | 'motivations'
  | 'expectations'
  | 'objections'
  | 'behaviours'
  | 'quotes'
  | 'personality'
  | 'values'
  | 'interests'
  | 'preferred_content';

/** The plain list sections: field, one item's name, tone of the card. */
const LIST_SECTIONS: Partial<Record<TemplateSectionKey, { field: ListField; item: string; tone?: 'good' | 'bad' }>> = {
  goals: { field: 'goals', item: 'goal', tone: 'good' },
  needs: { field: 'needs', item: 'need' },
  pain_points: { field: 'pain_points', item: 'pain point', tone: 'bad' },
  motivations: { field: 'motivations', item: 'motivation' },
  expectations: { field: 'expectations', item: 'expectation' },
  objections: { field: 'objections', item: 'objection', tone: 'bad' },
  behaviours: { field: 'behaviours', item: 'behaviour' },
};

function formatDate(iso: string | null): string {
  if (!iso) return 'never';
  const date = new Date(iso.length === 10 ? `${iso}T12:00:00` : iso);
  return date.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** The persona as a one-page PDF sheet, fetched so a refusal can be said next to the button. */
function PersonaSheetButton({ id, name }: { id: string; name: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="persona-sheet">
      {error && (
        <span className="form-error" role="alert">
          {error}
        </span>
      )}
      <button
        type="button"
        className="btn btn-sm"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await downloadExport(personaSheetPath(id), exportFilename(name, 'pdf', 'persona'));
          } catch (caught) {
            setError(caught instanceof Error ? caught.message : 'The export failed.');
          } finally {
            setBusy(false);
          }
        }}
      >
        <DownloadIcon />
        {busy ? 'Preparing the sheet…' : 'Persona sheet (PDF)'}
      </button>
    </div>
  );
}

function SaveIndicator({ status }: { status: SaveStatus }) {
  let text = '';
  if (status.state === 'saving') text = 'Saving…';
  else if (status.state === 'saved')
    text = status.open ? `Saved · ${status.open === 1 ? 'a field needs' : `${status.open} fields need`} your choice below` : 'Saved';
  else if (status.state === 'error') text = `Couldn't save: ${status.message}`;
  else if (status.state === 'conflict')
    text = `Couldn't save: ${status.count === 1 ? 'a field was' : `${status.count} fields were`} changed by someone else — see below`;
  return (
    <span className={`save-status save-${status.state}`} role="status" aria-live="polite" data-testid="save-status">
      {status.state === 'saved' && (
        <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
          <path d="M3 8.5l3 3 7-7" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
        </svg>
      )}
      {text}
    </span>
  );
}

/** Owner choices: the workspace's members, plus the current owner should they have left. */
function ownerOptions(members: Member[] | undefined, me: Me, persona: Persona) {
  const options: { value: string; label: string }[] = [{ value: '', label: 'No owner' }];
  const seen = new Set<string>();
  for (const m of members ?? []) {
    const value = String(m.user_id);
    if (seen.has(value)) continue;
    seen.add(value);
    options.push({ value, label: m.username === me.username ? `${m.username} (you)` : m.username });
  }
  if (persona.owner !== null && !seen.has(String(persona.owner))) {
    options.push({ value: String(persona.owner), label: persona.owner_name ?? `User ${persona.owner}` });
  }
  return options;
}

export function PersonaPage() {
  const { personaId } = useParams();
  const me = useMe();
  const persona = usePersona(personaId);
  const saver = usePersonaSaver(personaId);
  const p = persona.data;
  const workspace = p?.workspace;
  const membership = me.memberships.find((m) => m.workspace === workspace);
  const canEdit = Boolean(membership && membership.role !== 'viewer');
  const channels = useChannels(workspace);
  const segments = useSegments(workspace);
  const members = useMembers(canEdit ? workspace : undefined);
  const evidence = usePersonaEvidence(p?.id);
  const template = usePersonaTemplate(workspace);
  const [dialog, setDialog] = useState<null | 'history' | 'template' | 'review'>(null);
  const [showHidden, setShowHidden] = useState(false);

  const names = useMemo(() => {
    const map = new Map<string, string>();
    for (const c of channels.data ?? []) map.set(c.id, c.name);
    return (id: string) => map.get(id);
  }, [channels.data]);

  if (persona.error instanceof ApiError && persona.error.status === 404) return <NotFoundPage what="persona" />;
  if (!p) return <div className="page muted">{persona.error ? persona.error.message : 'Loading…'}</div>;

  const sections = orderedSections(template.data?.sections);
  const hiddenWithContent = sections.filter((s) => !s.visible && sectionHasContent(p, s.key));
  const shown = sections.filter(
    (s) => (s.visible || (showHidden && sectionHasContent(p, s.key))) && (canEdit || sectionHasContent(p, s.key)),
  );
  const spans = spanningSections(
    shown.map((s) => s.key),
    WIDE_SECTIONS,
  );
  const shownFields = new Set<string>([...HEADER_FIELDS, ...shown.flatMap((s) => SECTION_FIELDS[s.key] as string[])]);
  const strayConflicts = saver.conflicts.filter((c) => !shownFields.has(c.field));
  const personaSegments = (segments.data ?? []).filter((s) => s.personas.includes(p.id));
  const conflictsFor = (fields: readonly string[]) => (
    <Conflicts saver={saver} conflicts={saver.conflicts.filter((c) => fields.includes(c.field))} names={names} canEdit={canEdit} />
  );
  const save = saver.save;

  return (
    <EditBaseContext.Provider value={{ version: p.version, pin: saver.pin }}>
    <div className="page persona-page persona-editor">
      <div className="persona-topline">
        <nav className="crumbs" aria-label="Breadcrumb">
          <Link to="/personas/">Personas</Link> / <span>{p.name}</span>
        </nav>
        <div className="editor-toolbar">
          {canEdit ? <SaveIndicator status={saver.status} /> : <span className="badge">Read only</span>}
          <span className="muted version-tag">Version {p.version}</span>
          <button type="button" className="btn btn-sm" onClick={() => setDialog('history')}>
            History
          </button>
          {canEdit && (
            <button type="button" className="btn btn-sm" onClick={() => setDialog('template')}>
              Sections
            </button>
          )}
          <PersonaSheetButton id={p.id} name={p.name} />
        </div>
      </div>

      {p.is_stale && (
        <div className="banner banner-warn persona-overdue" role="status" data-testid="overdue-banner">
          <span>
            <strong>Review overdue.</strong>{' '}
            {p.last_reviewed_at
              ? `Last reviewed ${formatDate(p.last_reviewed_at)}; due every ${p.review_cadence_days} days (was due ${formatDate(p.review_due_on)}).`
              : 'This persona has never been reviewed against research.'}
          </span>
          {canEdit && (
            <button type="button" className="btn btn-sm" onClick={() => setDialog('review')}>
              Review now…
            </button>
          )}
        </div>
      )}

      {strayConflicts.length > 0 && conflictsFor(strayConflicts.map((c) => c.field))}

      <header className="persona-hero" style={{ borderLeftColor: p.color }}>
        <div className="hero-photo">
          <PhotoEditor persona={p} canEdit={canEdit} onChange={(updated) => saver.replace(updated)} />
        </div>
        <div className="persona-hero-text">
          <div className="chip-row hero-chips">
            {canEdit ? (
              <SelectField
                label="Tier"
                className="tier-field"
                value={p.tier}
                options={TIERS}
                onCommit={(tier) => save({ tier: tier as PersonaTier })}
              />
            ) : (
              <span className={`tier tier-${p.tier}`}>{p.tier} persona</span>
            )}
            {canEdit && <ColorField label="Colour" value={p.color} onCommit={(color) => save({ color })} />}
            {p.is_stale && (
              <span className="badge badge-warn" data-testid="overdue-badge">
                Review overdue
              </span>
            )}
            {p.churn_risk && <span className={`badge risk-${p.churn_risk}`}>churn risk: {p.churn_risk}</span>}
            {p.lifetime_value != null && p.lifetime_value !== '' && (
              <span className="badge">LTV {Number(p.lifetime_value).toLocaleString()}</span>
            )}
          </div>
          {p.tier === 'primary' && p.primary_count > PRIMARY_LIMIT && (
            <p className="tier-warning" role="note">
              This workspace has {p.primary_count} primary personas. More than {PRIMARY_LIMIT} dilutes focus: consider
              making some secondary.
            </p>
          )}
          {canEdit ? (
            <>
              <h1 className="sr-only">{p.name}</h1>
              <TextField
                label="Persona name"
                hideLabel
                value={p.name}
                maxLength={200}
                inputClassName="persona-name-input"
                onCommit={(name) => (name ? save({ name }) : undefined)}
              />
            </>
          ) : (
            <h1>{p.name}</h1>
          )}
          {!canEdit && <p className="lead">{[p.job_title, p.company].filter(Boolean).join(' at ')}</p>}
          {conflictsFor(['name', 'tier', 'color'])}
          {canEdit ? (
            <TextField
              label="Bio"
              multiline
              value={p.bio}
              placeholder="A short story: who they are, what a day looks like, what they want from us."
              onCommit={(bio) => save({ bio })}
            />
          ) : (
            p.bio && <p className="persona-bio">{p.bio}</p>
          )}
          {conflictsFor(['bio'])}
        </div>
        <Upkeep
          persona={p}
          canEdit={canEdit}
          members={members.data}
          me={me}
          save={save}
          onReview={() => setDialog('review')}
        >
          {conflictsFor(['owner', 'review_cadence_days'])}
        </Upkeep>
      </header>

      <div className="persona-body">
        <div className="persona-main">
          {hiddenWithContent.length > 0 && (
            <div className="hidden-toggle">
              <button type="button" className="btn btn-ghost btn-sm" aria-pressed={showHidden} onClick={() => setShowHidden(!showHidden)}>
                {showHidden ? 'Hide hidden sections' : `Show hidden sections (${hiddenWithContent.length})`}
              </button>
            </div>
          )}
          <div className="persona-columns editor-columns">
            {shown.map((s) => (
              <Section
                key={s.key}
                section={s}
                evidence={evidence.data}
                tone={LIST_SECTIONS[s.key]?.tone}
                wide={spans.has(s.key)}
              >
                <SectionBody
                  sectionKey={s.key}
                  persona={p}
                  canEdit={canEdit}
                  save={save}
                  channels={channels.data}
                  evidence={evidence.data}
                  label={s.label}
                />
                {conflictsFor(SECTION_FIELDS[s.key] as string[])}
              </Section>
            ))}
          </div>
        </div>
        <aside className="persona-aside" aria-label="Research and segments">
          <ResearchBox evidence={evidence.data} loading={evidence.isPending} />
          <section className="persona-block persona-segments" aria-labelledby="persona-segments-heading">
            <h2 id="persona-segments-heading">Segments</h2>
            {personaSegments.length === 0 ? (
              <p className="muted">{segments.isPending ? 'Loading…' : 'No segment is linked to this persona yet.'}</p>
            ) : (
              <ul className="persona-segment-list">
                {personaSegments.map((s) => (
                  <li key={s.id}>
                    <Link to={`/segments/${s.id}/`}>{s.name}</Link>{' '}
                    <span className="muted">{s.size != null ? `${s.size.toLocaleString()} customers` : ''}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </aside>
      </div>

      <PersonaUsage personaId={p.id} />

      {dialog === 'history' && (
        <HistoryPanel
          persona={p}
          canEdit={canEdit}
          names={names}
          onClose={() => setDialog(null)}
          onRestored={(restored) => saver.replace(restored)}
        />
      )}
      {dialog === 'template' && canEdit && (
        <TemplateDialog workspace={p.workspace} sections={sections} onClose={() => setDialog(null)} />
      )}
      {dialog === 'review' && canEdit && (
        <ReviewDialog persona={p} names={names} onClose={() => setDialog(null)} onReviewed={(r) => saver.replace(r)} />
      )}
    </div>
    </EditBaseContext.Provider>
  );
}

function Conflicts({
  saver,
  conflicts,
  names,
  canEdit,
}: {
  saver: PersonaSaver;
  conflicts: FieldConflict[];
  names: (id: string) => string | undefined;
  canEdit: boolean;
}) {
  if (!conflicts.length) return null;
  return (
    <div className="conflicts">
      {conflicts.map((c) => (
        <ConflictNotice
          key={c.field}
          conflict={c}
          names={names}
          readOnly={!canEdit}
          onKeepTheirs={() => saver.keepTheirs(c.field)}
          onUseMine={() => saver.takeMine(c.field)}
        />
      ))}
    </div>
  );
}

function Upkeep({
  persona: p,
  canEdit,
  members,
  me,
  save,
  onReview,
  children,
}: {
  persona: Persona;
  canEdit: boolean;
  members: Member[] | undefined;
  me: Me;
  save: (patch: PersonaPatch) => void;
  onReview: () => void;
  children: ReactNode;
}) {
  if (!canEdit) {
    return (
      <dl className="persona-facts upkeep">
        <div>
          <dt>Owner</dt>
          <dd>{p.owner_name ?? 'nobody'}</dd>
        </div>
        <div>
          <dt>Review every</dt>
          <dd>{p.review_cadence_days} days</dd>
        </div>
        <div>
          <dt>Last reviewed</dt>
          <dd>{formatDate(p.last_reviewed_at)}</dd>
        </div>
        {p.review_due_on && (
          <div>
            <dt>Next review</dt>
            <dd>{formatDate(p.review_due_on)}</dd>
          </div>
        )}
      </dl>
    );
  }
  return (
    <section className="persona-facts upkeep" aria-labelledby="upkeep-heading">
      <h2 id="upkeep-heading" className="upkeep-title">
        Upkeep
      </h2>
      <SelectField
        label="Owner"
        value={p.owner === null ? '' : String(p.owner)}
        options={ownerOptions(members, me, p)}
        onCommit={(value) => save({ owner: value === '' ? null : Number(value) })}
      />
      <NumberField
        label="Review every (days)"
        value={p.review_cadence_days}
        min={1}
        max={730}
        placeholder={String(QUARTERLY)}
        onCommit={(days) => save({ review_cadence_days: days ?? QUARTERLY })}
        hint={
          p.review_cadence_days === QUARTERLY ? (
            'Quarterly (90) — the default'
          ) : (
            <button type="button" className="link-btn" onClick={() => save({ review_cadence_days: QUARTERLY })}>
              Use quarterly (90)
            </button>
          )
        }
      />
      <div className="upkeep-reviewed">
        <span className="editor-label">Last reviewed</span>
        <span data-testid="last-reviewed">{formatDate(p.last_reviewed_at)}</span>
        {p.review_due_on && <span className="muted">Next review {formatDate(p.review_due_on)}</span>}
      </div>
      <button type="button" className="btn btn-sm btn-block" onClick={onReview}>
        Mark reviewed…
      </button>
      {children}
    </section>
  );
}

function Section({
  section,
  evidence,
  tone,
  wide,
  children,
}: {
  section: TemplateSection;
  evidence: PersonaEvidence | undefined;
  tone?: 'good' | 'bad';
  wide?: boolean;
  children: ReactNode;
}) {
  const headingId = `section-${section.key}`;
  return (
    <section
      className={`persona-block editor-section section-${section.key} ${tone ? `tone-${tone}` : ''} ${wide ? 'wide' : ''}`}
      aria-labelledby={headingId}
      data-section={section.key}
    >
      <div className="section-head">
        <h3 id={headingId}>{section.label}</h3>
        <span className="section-badges">
          {!section.visible && <span className="badge">Hidden</span>}
          {evidence && <EvidenceBadge group={groupFor(evidence.groups, section.key)} />}
        </span>
      </div>
      {children}
    </section>
  );
}

function SectionBody({
  sectionKey,
  persona: p,
  canEdit,
  save,
  channels,
  evidence,
  label,
}: {
  sectionKey: TemplateSectionKey;
  persona: Persona;
  canEdit: boolean;
  save: (patch: PersonaPatch) => void;
  channels: Channel[] | undefined;
  evidence: PersonaEvidence | undefined;
  label: string;
}) {
  const readOnly = !canEdit;
  const list = LIST_SECTIONS[sectionKey];
  if (list) {
    return (
      <ListEditor
        label={label}
        itemLabel={list.item}
        items={p[list.field]}
        readOnly={readOnly}
        onChange={(items) => save({ [list.field]: items } as PersonaPatch)}
      />
    );
  }
  switch (sectionKey) {
    case 'quotes':
      return (
        <ListEditor
          label="Quotes"
          itemLabel="quote"
          variant="quotes"
          items={p.quotes}
          readOnly={readOnly}
          placeholder="Add a quote in their words…"
          onChange={(quotes) => save({ quotes })}
          renderExtra={(text) => {
            const source = quoteSource(evidence?.items, text);
            if (!source) return null;
            return (
              <span className="quote-source">
                —{' '}
                <Link to={`/research/notes/${source.note}/`}>
                  from {source.interviewee || 'an interview'}, {source.note_title}
                </Link>
              </span>
            );
          }}
        />
      );
    case 'demographics':
      return (
        <div className="field-grid">
          <NumberField label="Age" value={p.age} min={0} max={120} readOnly={readOnly} onCommit={(age) => save({ age })} />
          <TextField label="Gender" value={p.gender} readOnly={readOnly} onCommit={(gender) => save({ gender })} />
          <TextField label="Location" value={p.location} readOnly={readOnly} onCommit={(location) => save({ location })} />
          <TextField label="Income" value={p.income} readOnly={readOnly} onCommit={(income) => save({ income })} />
          <TextField label="Education" value={p.education} readOnly={readOnly} onCommit={(education) => save({ education })} />
          <TextField label="Family" value={p.family} readOnly={readOnly} onCommit={(family) => save({ family })} />
          <TextField label="Job title" value={p.job_title} readOnly={readOnly} onCommit={(job_title) => save({ job_title })} />
          <TextField label="Company" value={p.company} readOnly={readOnly} onCommit={(company) => save({ company })} />
        </div>
      );
    case 'psychographics':
      return (
        <div className="psycho">
          {(
            [
              ['personality', 'Personality', 'trait'],
              ['values', 'Values', 'value'],
              ['interests', 'Interests', 'interest'],
            ] as const
          ).map(([field, title, item]) => (
            <div key={field} className="psycho-part">
              <h4>{title}</h4>
              <ListEditor
                label={title}
                itemLabel={item}
                variant="chips"
                items={p[field]}
                readOnly={readOnly}
                onChange={(items) => save({ [field]: items } as PersonaPatch)}
              />
            </div>
          ))}
          <TextField label="Lifestyle" multiline value={p.lifestyle} readOnly={readOnly} onCommit={(lifestyle) => save({ lifestyle })} />
        </div>
      );
    case 'channels':
      return (
        <div className="channels-part">
          <h4 id="preferred-channels-label">Preferred channels</h4>
          {readOnly ? (
            <div className="chip-row">
              {(channels ?? [])
                .filter((c) => p.preferred_channels.includes(c.id))
                .map((c) => (
                  <span key={c.id} className="chip channel-chip">
                    <span className="dot" style={{ background: c.color }} aria-hidden="true" />
                    {c.name}
                  </span>
                ))}
              {p.preferred_channels.length === 0 && <span className="muted">None chosen.</span>}
            </div>
          ) : (
            <div className="chip-row" role="group" aria-labelledby="preferred-channels-label">
              {(channels ?? []).map((c) => {
                const on = p.preferred_channels.includes(c.id);
                return (
                  <label key={c.id} className={`chip chip-toggle channel-chip ${on ? 'on' : ''}`}>
                    <input
                      type="checkbox"
                      checked={on}
                      onChange={() =>
                        save({
                          preferred_channels: on
                            ? p.preferred_channels.filter((id) => id !== c.id)
                            : [...p.preferred_channels, c.id],
                        })
                      }
                    />
                    <span className="dot" style={{ background: c.color }} aria-hidden="true" />
                    {c.name}
                  </label>
                );
              })}
              {channels && channels.length === 0 && <span className="muted">The workspace has no channels yet.</span>}
            </div>
          )}
          <h4>Preferred content</h4>
          <ListEditor
            label="Preferred content"
            itemLabel="content type"
            items={p.preferred_content}
            readOnly={readOnly}
            placeholder="Add a content type (e.g. how-to videos)…"
            onChange={(preferred_content) => save({ preferred_content })}
          />
        </div>
      );
    case 'empathy_map': {
      const map: Partial<Persona['empathy_map']> = p.empathy_map ?? {};
      const empathy = { says: map.says ?? [], thinks: map.thinks ?? [], does: map.does ?? [], feels: map.feels ?? [] };
      return (
        <div className="empathy-grid editor-empathy">
          {EMPATHY.map((q) => (
            <div key={q} className={`empathy-q empathy-${q}`}>
              <h4>{q}</h4>
              <ListEditor
                label={`Empathy map: ${q}`}
                itemLabel={`${q} item`}
                items={empathy[q] ?? []}
                readOnly={readOnly}
                emptyText="—"
                placeholder={EMPATHY_PROMPTS[q]}
                onChange={(items) => save({ empathy_map: { ...empathy, [q]: items } })}
              />
            </div>
          ))}
          <div className="empathy-center" aria-hidden="true">
            <PersonaAvatar persona={p} size={56} />
          </div>
        </div>
      );
    }
    case 'value':
      return (
        <div className="field-grid">
          <NumberField
            label="Lifetime value"
            value={p.lifetime_value}
            min={0}
            step="any"
            readOnly={readOnly}
            format={(v) => v.toLocaleString()}
            onCommit={(lifetime_value) => save({ lifetime_value })}
          />
          <SelectField
            label="Churn risk"
            value={p.churn_risk ?? ''}
            options={CHURN}
            readOnly={readOnly}
            onCommit={(churn_risk) => save({ churn_risk })}
          />
        </div>
      );
    default:
      return null;
  }
}

function ResearchBox({ evidence, loading }: { evidence: PersonaEvidence | undefined; loading: boolean }) {
  const interviews = evidence?.interviews ?? [];
  const target = evidence?.target ?? { min: 3, max: 5 };
  const progress = interviewProgress(interviews.length, target);
  const enough = interviews.length >= target.min;
  return (
    <section className="persona-block research-box" aria-labelledby="research-box-heading">
      <h2 id="research-box-heading">Research</h2>
      {loading ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <p className="research-progress-text">
            <strong>{interviews.length}</strong> of {target.min}–{target.max} interviews
            {enough ? ' · enough to rely on' : ` · ${target.min - interviews.length} more to go`}
          </p>
          <div className={`research-meter ${enough ? 'done' : ''}`} aria-hidden="true">
            <span style={{ width: `${Math.round(progress * 100)}%` }} />
          </div>
          {interviews.length > 0 ? (
            <ul className="research-interviews">
              {interviews.map((i) => (
                <li key={i.id}>
                  <Link to={`/research/notes/${i.id}/`}>{i.title || i.interviewee}</Link>
                  <span className="muted">
                    {[i.interviewee, i.interviewed_on && formatDate(i.interviewed_on)].filter(Boolean).join(' · ')}
                  </span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">No interview is linked yet: sections without research are assumptions.</p>
          )}
          <Link to="/research/" className="research-link">
            Go to research →
          </Link>
        </>
      )}
    </section>
  );
}

/** `/personas/new/`: a name, a tier and a job title, then on to the editor. */
export function NewPersonaPage() {
  const membership = useWorkspace();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [tier, setTier] = useState<PersonaTier>('primary');
  const [jobTitle, setJobTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!membership) return <NotFoundPage what="workspace" />;
  if (membership.role === 'viewer') {
    return (
      <div className="page narrow">
        <h1>New persona</h1>
        <p className="muted">Viewers can read personas but not create them. Ask an owner or editor of {membership.workspace_name}.</p>
        <Link to="/personas/">Back to personas</Link>
      </div>
    );
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) {
      setError('Give the persona a name.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const created = await createPersona({
        workspace: membership.workspace,
        name: name.trim(),
        tier,
        job_title: jobTitle.trim(),
      });
      client.setQueryData(personaKey(created.id), created);
      void client.invalidateQueries({ queryKey: ['personas', membership.workspace] });
      navigate(`/personas/${created.id}/`);
    } catch (caught) {
      setError(saveErrorText(caught));
      setBusy(false);
    }
  };
  return (
    <div className="page new-persona-page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/personas/">Personas</Link> / <span>New persona</span>
      </nav>
      <form className="panel new-persona-form" onSubmit={submit} noValidate>
        <h1>New persona</h1>
        <p className="muted">Start with a name; everything else is filled in on the persona itself and saves as you go.</p>
        <label className="field">
          <span>Name</span>
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            aria-required="true"
            maxLength={200}
            placeholder="e.g. Weekend Trail Runner"
            autoFocus
          />
        </label>
        <label className="field">
          <span>Tier</span>
          <select value={tier} onChange={(e) => setTier(e.target.value as PersonaTier)}>
            {TIERS.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Job title (optional)</span>
          <input value={jobTitle} onChange={(e) => setJobTitle(e.target.value)} maxLength={200} />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <Link to="/personas/" className="btn">
            Cancel
          </Link>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create persona'}
          </button>
        </div>
      </form>
    </div>
  );
}
