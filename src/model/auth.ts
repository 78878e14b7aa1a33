import { Type } from '@sinclair/typebox';
import { Name, Slug, Uuid } from './common.js';
import { Email, RoleSchema } from './member.js';

export const LoginRequest = Type.Object(
  {
    email: Email,
    password: Type.String({ minLength: 1, maxLength: 200 }),
    org: Type.Optional(Slug),
  },
  { additionalProperties: false },
);

export const OrgMembership = Type.Object(
  { orgId: Uuid, slug: Type.String(), name: Type.String(), role: RoleSchema },
  { additionalProperties: false },
);

/** Who is logged in, where, and what the role allows (the web app hides what it would refuse). */
export const Me = Type.Object(
  {
    user: Type.Object({ id: Uuid, email: Type.String(), displayName: Name }, { additionalProperties: false }),
    org: Type.Object({ id: Uuid, slug: Type.String(), name: Type.String(), isDemo: Type.Boolean() }, { additionalProperties: false }),
    role: RoleSchema,
    tenantId: Type.Union([Uuid, Type.Null()]),
    via: Type.String(),
    csrfToken: Type.Union([Type.String(), Type.Null()], { description: 'Send as X-CSRF-Token on writes made with the session cookie.' }),
    permissions: Type.Record(Type.String(), Type.Array(Type.String())),
    organizations: Type.Array(OrgMembership),
  },
  { additionalProperties: false },
);
