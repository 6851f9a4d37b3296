import * as t from 'io-ts';

type Members = Readonly<Record<string, t.Mixed>>;

/**
 * A union chosen by its `type` field. Unlike t.union, a bad message is reported against
 * the one member it claims to be, so the errors name real paths (`apps.0.version`).
 */
export function taggedUnion<M extends Members>(name: string, members: M): t.Type<t.TypeOf<M[keyof M]>, t.TypeOf<M[keyof M]>, unknown> {
  const tags = Object.keys(members);
  const memberOf = (u: unknown): t.Mixed | undefined => {
    if (typeof u !== 'object' || u === null || !('type' in u) || typeof u.type !== 'string') return undefined;
    return Object.hasOwn(members, u.type) ? members[u.type] : undefined;
  };
  return new t.Type<t.TypeOf<M[keyof M]>, t.TypeOf<M[keyof M]>, unknown>(
    name,
    (u): u is t.TypeOf<M[keyof M]> => memberOf(u)?.is(u) ?? false,
    (u, c) => {
      const member = memberOf(u);
      if (member) return member.validate(u, t.appendContext(c, '', member, u));
      const type = typeof u === 'object' && u !== null && 'type' in u ? u.type : undefined;
      const typeCodec = t.keyof(Object.fromEntries(tags.map((tag) => [tag, null])));
      return t.failure(type, t.appendContext(c, 'type', typeCodec, type), `expected one of ${tags.join(', ')}`);
    },
    t.identity,
  );
}
