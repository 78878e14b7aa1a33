import { Type, type Static } from '@sinclair/typebox';
import { Name, StringEnum, Timestamp, Uuid } from './common.js';

export const ROLES = ['owner', 'isms-manager', 'engineer', 'auditor', 'tenant-viewer'] as const;
export type Role = (typeof ROLES)[number];

export const RoleSchema = StringEnum(ROLES, 'owner, isms-manager, engineer, auditor (read-only) or tenant-viewer (one tenant only).');
export const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });

/** A person's membership of the organization, with the role that decides what they may do. */
export const Member = Type.Object(
  {
    userId: Uuid,
    email: Email,
    displayName: Name,
    role: RoleSchema,
    tenantId: Type.Union([Uuid, Type.Null()], { description: 'For a tenant-viewer: the one tenant it may see.' }),
    createdAt: Timestamp,
  },
  { additionalProperties: false },
);
export type Member = Static<typeof Member>;

export const MemberCreate = Type.Object(
  {
    email: Email,
    displayName: Name,
    role: RoleSchema,
    tenantId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    password: Type.String({ minLength: 12, maxLength: 200, description: 'Initial password (12 characters or more); used only when the person has no account yet.' }),
  },
  { additionalProperties: false },
);
export type MemberCreate = Static<typeof MemberCreate>;

export const MemberUpdate = Type.Object(
  {
    role: Type.Optional(RoleSchema),
    tenantId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    displayName: Type.Optional(Name),
  },
  { additionalProperties: false },
);
export type MemberUpdate = Static<typeof MemberUpdate>;
