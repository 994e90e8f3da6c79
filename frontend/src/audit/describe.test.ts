import { describe as group, expect, it } from 'vitest';
import type { AuditEntry } from '../api/audit';
import { describe, kindActions, who } from './describe';

function entry(action: string, subject: string, detail: Record<string, unknown> = {}, name = 'ben'): AuditEntry {
  return {
    id: '00000000-0000-0000-0000-000000000001',
    created_at: '2026-12-01T10:00:00Z',
    actor: { id: name ? 7 : null, name },
    action,
    subject,
    detail,
    address: '203.0.113.7',
  };
}

group('describe', () => {
  it('says who did what to whom for membership changes', () => {
    expect(describe(entry('member.removed', 'carla', { user: 3, role: 'editor' }))).toBe(
      'ben removed carla from the workspace',
    );
    expect(describe(entry('member.role_changed', 'carla', { from: 'viewer', to: 'editor' }))).toBe(
      'ben changed carla’s role from viewer to editor',
    );
    expect(describe(entry('member.added', 'carla', { role: 'editor', invitation: 'x' }, 'carla'))).toBe(
      'carla joined the workspace as editor',
    );
    expect(describe(entry('member.left', 'ben'))).toBe('ben left the workspace');
    expect(describe(entry('invitation.created', 'for Carla', { role: 'viewer', label: 'for Carla' }))).toBe(
      'ben invited someone as viewer “for Carla”',
    );
  });

  it('names the map and format of an export and counts an import', () => {
    expect(describe(entry('map.exported', 'Checkout v2', { format: 'pdf' }))).toBe('ben exported Checkout v2 as PDF');
    expect(describe(entry('map.exported', 'Checkout v2', { format: 'png' }))).toBe('ben exported Checkout v2 as PNG');
    expect(describe(entry('events.imported', 'Onboarding', { rows: 1204, file: 'march.csv' }))).toBe(
      'ben imported 1,204 events into Onboarding',
    );
    expect(describe(entry('events.imported', 'Onboarding', { rows: 1 }))).toBe('ben imported 1 event into Onboarding');
    expect(describe(entry('customers.imported', 'customer data', { created: 2, updated: 0, purchases: 3 }))).toBe(
      'ben imported customer data (2 new customers, 0 updates, 3 purchases)',
    );
  });

  it('shows share links with their label and who exported through one', () => {
    expect(describe(entry('share_link.created', 'Checkout v2', { label: 'Board review' }))).toBe(
      'ben created a share link “Board review” to Checkout v2',
    );
    expect(describe(entry('share_link.revoked', 'Checkout v2', { label: '' }))).toBe(
      'ben revoked the share link to Checkout v2',
    );
    const shared = entry('map.exported', 'Checkout v2', { format: 'csv', share_link: 'l', share_link_label: 'Client' }, '');
    expect(who(shared)).toBe('Someone with the share link “Client”');
    expect(describe(shared)).toBe('Someone with the share link “Client” exported Checkout v2 as CSV');
  });

  it('reads the trash and an action it does not know', () => {
    expect(describe(entry('map.trashed', 'Checkout v2'))).toBe('ben moved the map Checkout v2 to the trash');
    expect(describe(entry('persona.purged', 'Maya'))).toBe('ben deleted the persona Maya for good');
    expect(describe(entry('report.scheduled', 'Weekly'))).toBe('ben report scheduled: Weekly');
  });
});

group('kindActions', () => {
  it('maps a kind to the action filter the API takes', () => {
    expect(kindActions('members')).toBe('member.,invitation.');
    expect(kindActions('imports')).toBe('events.imported,customers.imported');
    expect(kindActions('nonsense')).toBeUndefined();
  });
});
