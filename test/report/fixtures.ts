import type { Change, Changeset } from '../../src/compare/types.js';
import type { SourceInfo } from '../../src/metadata/types.js';

export const FROM: SourceInfo = { kind: 'git', spec: 'git:origin/main', label: 'origin/main (1f3c2a9)', format: 'source', commit: '1f3c2a9d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39' };
export const TO: SourceInfo = { kind: 'org', spec: 'org:china-prod', label: 'china-prod (00D5g000004XyZaEAK, https://cn.example)', format: 'metadata', instance: 'china', orgId: '00D5g000004XyZaEAK' };

/** A changeset with one of everything: components, a decomposed child, in-file children, element details. */
export function sampleChangeset(overrides: Partial<Changeset> = {}): Changeset {
  const changes: Change[] = [
    { key: 'ApexClass:NewService', type: 'ApexClass', fullName: 'NewService', kind: 'added', toPaths: ['force-app/main/default/classes/NewService.cls', 'force-app/main/default/classes/NewService.cls-meta.xml'], elements: [] },
    { key: 'ApexClass:OldService', type: 'ApexClass', fullName: 'OldService', kind: 'removed', fromPaths: ['force-app/main/default/classes/OldService.cls'], elements: [] },
    {
      key: 'CustomField:Account.Region__c', type: 'CustomField', fullName: 'Account.Region__c', parent: 'CustomObject:Account', kind: 'changed',
      fromPaths: ['force-app/main/default/objects/Account/fields/Region__c.field-meta.xml'], toPaths: ['force-app/main/default/objects/Account/fields/Region__c.field-meta.xml'],
      elements: [{ path: 'label', kind: 'changed', before: 'Region', after: 'Sales | Region' }, { path: 'inlineHelpText', kind: 'added', after: 'Use `CN` for China' }],
    },
    { key: 'CustomLabel:Greeting', type: 'CustomLabel', fullName: 'Greeting', parent: 'CustomLabels:CustomLabels', kind: 'changed', elements: [{ path: 'value', kind: 'changed', before: 'Hello', after: '你好' }] },
    {
      key: 'Profile:Admin', type: 'Profile', fullName: 'Admin', kind: 'changed',
      elements: [{ path: 'fieldPermissions[field=Account.Region__c]/editable', kind: 'changed', before: 'true', after: 'false' }],
    },
    { key: 'LightningComponentBundle:banner', type: 'LightningComponentBundle', fullName: 'banner', kind: 'changed', elements: [], files: ['force-app/main/default/lwc/banner/banner.js'] },
    { key: 'Flow:Onboarding', type: 'Flow', fullName: 'Onboarding', kind: 'renamed', fromPaths: ['force-app/flows/Onboarding.flow-meta.xml'], toPaths: ['force-app-china/flows/Onboarding.flow-meta.xml'], elements: [] },
  ];
  return { from: FROM, to: TO, apiVersion: '62.0', changes, unclassified: [{ path: 'force-app/main/default/notes.txt', reason: 'not a metadata file the registry knows' }], warnings: [], ...overrides };
}
