import type { Json } from '../sync/types';

export interface Membership {
  workspace: string;
  workspace_name: string;
  role: 'owner' | 'editor' | 'viewer';
}

export interface Me {
  id: string;
  username: string;
  name: string;
  memberships: Membership[];
}

export interface MapSummary {
  id: string;
  workspace: string;
  title: string;
  description: string;
  seq: number;
  personas: string[];
  stage_count: number;
  votes_per_user?: number;
  updated_at: string;
}

export interface MapTemplate {
  key: string;
  name: string;
  description: string;
}

export interface Channel {
  id: string;
  workspace: string;
  name: string;
  kind: string;
  color: string;
}

export interface Persona {
  id: string;
  workspace: string;
  name: string;
  photo: string | null;
  tier: 'primary' | 'secondary' | 'negative';
  color: string;
  bio: string;
  quotes: string[];
  age: number | null;
  gender: string;
  location: string;
  income: string;
  education: string;
  family: string;
  job_title: string;
  company: string;
  personality: string[];
  values: string[];
  interests: string[];
  lifestyle: string;
  behaviours: string[];
  goals: string[];
  needs: string[];
  pain_points: string[];
  motivations: string[];
  expectations: string[];
  objections: string[];
  preferred_channels: string[];
  preferred_content: string[];
  empathy_map: { says: string[]; thinks: string[]; does: string[]; feels: string[] };
  lifetime_value: string | number | null;
  churn_risk: string;
  owner: number | null;
  owner_name: string | null;
  version: number;
  primary_count: number;
  review_cadence_days: number;
  last_reviewed_at: string | null;
  review_due_on: string | null;
  is_stale: boolean;
  segments: string[];
  updated_at: string;
}

export interface Segment {
  id: string;
  workspace: string;
  name: string;
  description: string;
  rules: Json;
  personas: string[];
  size?: number;
  /** The recorded sizes of the last 30 days, oldest first. */
  trend?: { taken_on: string; size: number }[];
  updated_at?: string;
}

export interface Feature {
  id: string;
  workspace: string;
  name: string;
  description: string;
  status: string;
  persona_tags: { persona: string; relevance: number }[];
}

/** `GET /api/friction-points/?workspace=`: a friction point of any of the workspace's maps. */
export interface WorkspaceFriction {
  id: string;
  title: string;
  severity: number;
  status: string;
  map: string;
  map_title: string;
  stage_name: string;
  features: string[];
  /** Its map has an event log that measured the customers through it. */
  measured: boolean;
  traffic: number | null;
}

/** `GET /api/feature-priorities/?workspace=`: a feature's score and its parts (docs/features.md). */
export interface FeaturePriority {
  feature: string;
  name: string;
  status: string;
  score: number;
  parts: {
    personas: { points: number; items: { persona: string; name: string; tier: string; weight: number; relevance: number; points: number }[] };
    reach: { points: number; customers: number; segments: { segment: string; name: string; size: number }[] };
    friction: {
      points: number;
      items: {
        friction: string;
        title: string;
        map: string;
        map_title: string;
        severity: number;
        status: string;
        traffic: number | null;
        measured: boolean;
        weight: number;
        points: number;
      }[];
    };
  };
  notes: string[];
}

export interface HistoryItem {
  seq: number;
  op_id?: string;
  actor: { id: string; name: string } | null;
  created_at: string;
  summary?: string;
  ops?: { action: string; entity: string; id: string; fields?: Record<string, Json> }[];
  [key: string]: Json | undefined | object | null;
}

export interface MapVersionInfo {
  id: string;
  name: string;
  seq: number;
  created_at: string;
  created_by?: string | { id: string; name: string } | null;
}

export interface ShareLinkInfo {
  id: string;
  map: string;
  label: string;
  token?: string;
  url?: string;
  expires_at: string | null;
}

export type Role = Membership['role'];

/** A member of a workspace (`GET /api/workspaces/<id>/members/`). */
export interface Member {
  id: string;
  user: string;
  username: string;
  /** The user's id: what a persona's `owner` takes. */
  user_id: number;
  role: Role;
  created_at: string;
}

export type InvitationStatus = 'pending' | 'accepted' | 'expired' | 'revoked';

/** An invitation to join a workspace, as owners list it (never with its token). */
export interface Invitation {
  id: string;
  role: Role;
  email: string;
  label: string;
  status: InvitationStatus;
  created_at: string;
  expires_at: string;
  accepted_by: string | null;
  accepted_at: string | null;
}

/** The answer to creating an invitation: the token is shown this once. */
export interface InvitationCreated extends Invitation {
  token: string;
  accept_url: string;
}

/** The membership an accepted invitation gave (`POST /api/invitations/<token>/accept/`). */
export type InvitationJoined = Membership;
