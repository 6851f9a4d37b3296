// Authorization headers an outside tester forges from tokens they have seen: no signature,
// alg none, another token's signature under an admin's claims, another secret, other schemes.
import { createHmac } from 'node:crypto';

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export function forgedAuthorizations(admin: string, tenantAdmin: string): readonly string[] {
  const [adminHeader = '', adminClaims = '', adminSignature = ''] = admin.split('.');
  const [tenantHeader = '', , tenantSignature = ''] = tenantAdmin.split('.');
  const claims = { sub: 'admin', role: 'admin', iat: 1_767_225_600, exp: 4_102_444_800 };
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return [
    'Bearer',
    'Bearer ',
    `Bearer ${adminHeader}.${adminClaims}`,
    `Bearer ${adminHeader}.${adminClaims}.`,
    `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${adminClaims}.`,
    `Bearer ${tenantHeader}.${adminClaims}.${tenantSignature}`,
    `Bearer ${unsigned}.${createHmac('sha256', 'not-the-hub-secret').update(unsigned).digest('base64url')}`,
    `Bearer ${adminHeader}.${adminClaims}.${adminSignature.slice(0, -2)}`,
    `Bearer ${'a'.repeat(16_384)}`,
    `Basic ${Buffer.from('admin:admin').toString('base64')}`,
    `bearer ${admin}\u0000`,
    `Bearer ${admin} ${admin}`,
  ];
}
