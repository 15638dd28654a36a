/** Public surface of the pure policy core. */
export { ACTION_CATALOG_SOURCE, defaultActionCatalog, staticActionCatalog } from './action-catalog.ts';
export { additionalPolicyName, additionalPolicyNames, isAdditionalPolicyName } from './additional-names.ts';
export { compileBoundary } from './compile.ts';
export * from './evaluate.ts';
export {
  IDENTITY_CENTER_ROLE_NAME,
  IDENTITY_CENTER_ROLE_PATH,
  isExemptPrincipal,
  isIdentityCenterRolePath,
  matchesWhitelistGlob,
  type PrincipalIdentity,
  permissionSetOfRole,
} from './exemptions.ts';
export { canonicalJson, policyHash } from './hash.ts';
export {
  type BoundaryParameterOverrides,
  boundaryPolicyArn,
  defaultBoundaryParameters,
  organizationAccessRoleArn,
  // The protective statements' exemptions are the trusted principals (glossary).
  trustedPrincipalArns,
} from './parameters.ts';
export { protectiveStatements } from './protective.ts';
export { MAX_POLICIES_PER_TARGET, resolveChain, substituteAccountId, targetOfKey } from './resolve-chain.ts';
export { policySize } from './size.ts';
export * from './types.ts';
export { type PolicyReadResult, readPolicy, validatePolicyDocument, validatePolicyText } from './validate.ts';
