import { expect } from 'chai';
import { MissingParentFiles } from '../../src/metadata/missing-parent-file.js';
import { registryFor, registryForSettings } from '../../src/metadata/registry.js';

const withOptions = (...options: string[]): MissingParentFiles => new MissingParentFiles(registryForSettings({ sourceBehaviorOptions: JSON.stringify(options) }));
const D = 'force-app/main/default';

describe('children of a decomposed parent whose own file is missing (missing-parent-file.ts)', () => {
  it('reads a file SDR refuses for want of its parent as the child of the parent its folder names, for each preset', () => {
    const beta2 = withOptions('decomposePermissionSetBeta2');
    expect(beta2.childOfRefusedFile(`/repo/${D}/permissionsets/Ops/objectSettings/Account.objectSettings-meta.xml`)).to.deep.equal({
      type: 'ObjectSettings',
      fullName: 'Ops.Account',
      parent: 'PermissionSet:Ops',
    });
    expect(withOptions('decomposePermissionSetBeta').childOfRefusedFile(`${D}/permissionsets/Ops/userPermissions/ApiEnabled.userPermission-meta.xml`)).to.deep.equal({
      type: 'UserPermission',
      fullName: 'Ops.ApiEnabled',
      parent: 'PermissionSet:Ops',
    });
    expect(withOptions('decomposeWorkflowBeta').childOfRefusedFile(`${D}/workflows/Lead/workflowRules/Lead_Hot.workflowRule-meta.xml`)).to.deep.equal({
      type: 'WorkflowRule',
      fullName: 'Lead.Lead_Hot',
      parent: 'Workflow:Lead',
    });
    expect(withOptions('decomposeSharingRulesBeta').childOfRefusedFile(`${D}/sharingRules/Account/sharingCriteriaRules/EMEA.sharingCriteriaRule-meta.xml`)).to.deep.equal({
      type: 'SharingCriteriaRule',
      fullName: 'Account.EMEA',
      parent: 'SharingRules:Account',
    });
    // Windows paths, as a folder source on Windows gives them.
    expect(new MissingParentFiles(registryFor()).childOfRefusedFile('C:\\repo\\force-app\\main\\default\\objects\\Thing__c\\fields\\A__c.field-meta.xml')).to.deep.equal({
      type: 'CustomField',
      fullName: 'Thing__c.A__c',
      parent: 'CustomObject:Thing__c',
    });
  });

  it('leaves alone a refused file that is not a child of a decomposed parent', () => {
    const beta2 = withOptions('decomposePermissionSetBeta2');
    // The parent's own suffix, a suffix none of its children has, a file that is not metadata XML.
    expect(beta2.childOfRefusedFile(`${D}/permissionsets/Ops/Ops.permissionset-meta.xml`)).to.equal(undefined);
    expect(beta2.childOfRefusedFile(`${D}/permissionsets/Ops/Foo.cls-meta.xml`)).to.equal(undefined);
    expect(beta2.childOfRefusedFile(`${D}/permissionsets/Ops/objectSettings/notes.txt`)).to.equal(undefined);
    // Directly in the type's folder (no parent folder), or outside any decomposed type's folder.
    expect(beta2.childOfRefusedFile(`${D}/permissionsets/Ops.userPermission-meta.xml`)).to.equal(undefined);
    expect(beta2.childOfRefusedFile(`${D}/classes/Ops/Account.objectSettings-meta.xml`)).to.equal(undefined);
    // Without the preset, a permission set is one file: nothing is a child of it.
    expect(new MissingParentFiles(registryFor()).childOfRefusedFile(`${D}/permissionsets/Ops/objectSettings/Account.objectSettings-meta.xml`)).to.equal(undefined);
  });

  it('reads a parent SDR planned from one of its children’s files (its own being missing) as that child', () => {
    const beta2 = withOptions('decomposePermissionSetBeta2');
    expect(beta2.childInPlaceOfParent('PermissionSet', 'Ops', `/repo/${D}/permissionsets/Ops/Ops.userPermission-meta.xml`)).to.deep.equal({
      type: 'UserPermission',
      fullName: 'Ops.Ops',
      parent: 'PermissionSet:Ops',
    });
    expect(beta2.childInPlaceOfParent('PermissionSet', 'Ops', `/repo/${D}/permissionsets/Ops/Ops.permissionset-meta.xml`)).to.equal(undefined);
    // A type that is not decomposed, or unknown to the registry.
    expect(beta2.childInPlaceOfParent('ApexClass', 'Ops', `${D}/classes/Ops.cls-meta.xml`)).to.equal(undefined);
    expect(beta2.childInPlaceOfParent('NoSuchType', 'Ops', `${D}/x/Ops.userPermission-meta.xml`)).to.equal(undefined);
  });
});
