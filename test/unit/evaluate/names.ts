/** Accounts, principals and helpers shared by the evaluator test generators. */
export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
const P = 'aws-cn';
/** An IAM policy variable such as ${aws:username} (spelled out so it is not a template placeholder). */
export const policyVariable = (name: string): string => `$\{${name}}`;

export const PRINCIPALS = [
  `arn:${P}:iam::${ACCOUNT}:user/alice`,
  `arn:${P}:sts::${ACCOUNT}:assumed-role/Admin/session-1`,
  `arn:${P}:iam::${ACCOUNT}:role/Admin`,
  `arn:${P}:iam::${OTHER_ACCOUNT}:user/bob`,
];
