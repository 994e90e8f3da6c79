import { describe, expect, it } from 'vitest';
import {
  dateInputValue,
  daysFromToday,
  expiryFromDateInput,
  exportErrorMessage,
  exportFilename,
  mapExportPath,
  shareLinkStatus,
  type ShareLink,
} from './exports';

const link = (over: Partial<ShareLink>): ShareLink => ({
  id: 'l1',
  map: 'm1',
  label: 'Review',
  expires_at: '2999-01-01T00:00:00Z',
  revoked_at: null,
  is_active: true,
  created_at: '2026-01-01T00:00:00Z',
  url: null,
  ...over,
});

describe('export paths', () => {
  it('sends only what differs from the defaults', () => {
    expect(mapExportPath('m1', 'pdf')).toBe('/api/maps/m1/export.pdf');
    expect(mapExportPath('m1', 'pdf', { paper: 'a4', sections: ['cover', 'personas', 'map', 'emotions', 'friction', 'analysis', 'content', 'features'] })).toBe(
      '/api/maps/m1/export.pdf',
    );
    expect(mapExportPath('m1', 'pdf', { paper: 'a3', personas: ['p1', 'p2'], sections: ['cover', 'map'] })).toBe(
      '/api/maps/m1/export.pdf?paper=a3&personas=p1%2Cp2&sections=cover%2Cmap',
    );
    expect(mapExportPath('m1', 'csv', { paper: 'a3', sections: ['map'] })).toBe('/api/maps/m1/export.csv');
  });

  it('names files after the title', () => {
    expect(exportFilename('Buying a tent — online!', 'pdf')).toBe('buying-a-tent-online.pdf');
    expect(exportFilename('Café  crème', 'csv')).toBe('cafe-creme.csv');
    expect(exportFilename('***', 'png')).toBe('journey-map.png');
  });

  it('explains refusals', () => {
    expect(exportErrorMessage(413, 'export_too_large', '')).toBe('This map is too large to export.');
    expect(exportErrorMessage(429, 'export_busy', 'busy')).toMatch(/busy/);
    expect(exportErrorMessage(400, 'invalid', 'unknown sections: x')).toBe('unknown sections: x');
  });
});

describe('share links', () => {
  it('tells active, revoked and expired apart', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    expect(shareLinkStatus(link({}), now)).toBe('active');
    expect(shareLinkStatus(link({ revoked_at: '2026-05-01T00:00:00Z', is_active: false }), now)).toBe('revoked');
    expect(shareLinkStatus(link({ expires_at: '2026-05-01T00:00:00Z', is_active: false }), now)).toBe('expired');
  });

  it('turns a date input into an expiry at the current time of day', () => {
    const now = new Date(2026, 0, 31, 14, 30);
    expect(dateInputValue(daysFromToday(30, now))).toBe('2026-03-02');
    const expiry = expiryFromDateInput('2026-03-02', now)!;
    expect(expiry.getDate()).toBe(2);
    expect(expiry.getMonth()).toBe(2);
    expect(expiry.getHours()).toBe(14);
    expect(expiryFromDateInput('', now)).toBeNull();
  });
});
