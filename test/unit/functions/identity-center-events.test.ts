import { describe, expect, it } from 'vitest';
import { identityCenterEvent } from '#dev/local-deployment/organization-events.ts';
import { identityCenterEventOf } from '#functions/commons/identity-center-events.ts';

const base = { managementAccountId: '888888888888', partition: 'aws-cn', region: 'cn-north-1' };
const ids = {
  instanceArn: 'arn:aws-cn:sso:::instance/ssoins-1',
  permissionSetArn: 'arn:aws-cn:sso:::permissionSet/ssoins-1/ps-1',
};

describe('identityCenterEventOf', () => {
  it('names the permission set of a call that may have loosened it', () => {
    const event = identityCenterEvent(base, {
      eventName: 'DeletePermissionsBoundaryFromPermissionSet',
      ...ids,
    });
    expect(identityCenterEventOf(event)).toEqual({
      eventId: event.detail.eventID,
      eventName: 'DeletePermissionsBoundaryFromPermissionSet',
      permissionSetArn: ids.permissionSetArn,
    });
  });

  it.each([
    [
      'a failed call',
      identityCenterEvent(base, { eventName: 'ProvisionPermissionSet', errorCode: 'AccessDenied', ...ids }),
    ],
    [
      'a call scp-alt does not follow',
      identityCenterEvent(base, { eventName: 'ListPermissionSets', ...ids }),
    ],
    [
      'an Organizations event',
      {
        ...identityCenterEvent(base, { eventName: 'ProvisionPermissionSet', ...ids }),
        source: 'aws.organizations',
      },
    ],
  ])('ignores %s', (_, event) => {
    expect(identityCenterEventOf(event)).toBeUndefined();
  });
});
