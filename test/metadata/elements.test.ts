import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { RegistryAccess } from '@salesforce/source-deploy-retrieve';
import { diffRoots } from '../../src/compare/xml-diff.js';
import { elementKeysFor, HAND_TABLE, normalize } from '../../src/metadata/elements.js';
import { canonicalize, parseXmlDocument, serializeCanonical, type CanonicalElement } from '../../src/metadata/xml.js';

const registry = new RegistryAccess();

/** `<Root><a><b><k1>v</k1>…<leaf>x</leaf></b></a></Root>` for an element path `a/b` keyed by k1… */
function file(root: string, element: string, key: readonly string[], entries: ReadonlyArray<{ id: string; leaf: string }>): string {
  const tags = element.split('/');
  const entryXml = entries.map(({ id, leaf }) => `<${tags.at(-1)}>${key.map((k) => `<${k}>${id}-${k}</${k}>`).join('')}<leaf>${leaf}</leaf></${tags.at(-1)}>`).join('');
  const outer = tags.slice(0, -1);
  return `<${root}>${outer.map((t) => `<${t}>`).join('')}${entryXml}${[...outer].reverse().map((t) => `</${t}>`).join('')}</${root}>`;
}

function canon(text: string, root: string): CanonicalElement {
  return normalize(canonicalize(parseXmlDocument(Buffer.from(text), 'x.xml')[0]), elementKeysFor(registry, root));
}

describe('element key table', () => {
  for (const [type, entries] of Object.entries(HAND_TABLE)) {
    for (const [element, key, ordered] of entries) {
      const keys = typeof key === 'string' ? [key] : key;
      it(`${type} ${element} is keyed by ${keys.join('+')}${ordered ? ' (ordered)' : ''}`, () => {
        const a = canon(file(type, element, keys, [{ id: 'A', leaf: '1' }, { id: 'B', leaf: '1' }]), type);
        const b = canon(file(type, element, keys, [{ id: 'B', leaf: '1' }, { id: 'A', leaf: '2' }]), type);
        const { elements } = diffRoots(a, b, elementKeysFor(registry, type));
        const predicates = keys.map((k) => `[${k}=A-${k}]`).join('');
        const tags = element.split('/');
        const path = [...tags.slice(0, -1), `${tags.at(-1)}${predicates}`, 'leaf'].join('/');
        const expected = [{ path, kind: 'changed', before: '1', after: '2' }];
        if (ordered) expected.push({ path: element, kind: 'changed', before: keys.map((k) => `A-${k}`).join('|') + '\n' + keys.map((k) => `B-${k}`).join('|'), after: keys.map((k) => `B-${k}`).join('|') + '\n' + keys.map((k) => `A-${k}`).join('|') });
        expect(elements).to.deep.equal(expected);
      });
    }
  }

  it('names a FlexiPage region and a component property by name, not by position', () => {
    const page = (title: string, extra: string): string =>
      `<FlexiPage><flexiPageRegions><itemInstances><componentInstance><identifier>forceDetail</identifier></componentInstance></itemInstances><name>detailTabContent</name><type>Facet</type></flexiPageRegions>${extra}<flexiPageRegions><itemInstances><componentInstance><componentInstanceProperties><name>active</name><value>true</value></componentInstanceProperties><componentInstanceProperties><name>title</name><value>${title}</value></componentInstanceProperties><identifier>flexiTab2</identifier></componentInstance></itemInstances><name>maintabs</name><type>Facet</type></flexiPageRegions><masterLabel>Product Record Page</masterLabel></FlexiPage>`;
    const facet = '<flexiPageRegions><name>relatedTabContent</name><type>Facet</type></flexiPageRegions>';
    const { elements } = diffRoots(canon(page('Standard.Tab.detail', facet), 'FlexiPage'), canon(page('Standard.Tab.details', ''), 'FlexiPage'), elementKeysFor(registry, 'FlexiPage'));
    expect(elements).to.deep.equal([
      { path: 'flexiPageRegions[name=maintabs]/itemInstances/componentInstance/componentInstanceProperties[name=title]/value', kind: 'changed', before: 'Standard.Tab.detail', after: 'Standard.Tab.details' },
      { path: 'flexiPageRegions[name=relatedTabContent]', kind: 'removed', before: facet },
    ]);
  });

  it('takes in-file child types and their keys from SDR’s registry', () => {
    const table = elementKeysFor(registry, 'Workflow');
    expect(table.get('alerts')).to.include({ childType: 'WorkflowAlert', origin: 'registry' });
    expect(table.get('alerts')!.key).to.deep.equal(['fullName']);
    expect(elementKeysFor(registry, 'CustomLabels').get('labels')).to.include({ childType: 'CustomLabel', ignoreParentName: true });
    expect(elementKeysFor(registry, 'SharingRules').get('sharingOwnerRules')!.childType).to.equal('SharingOwnerRule');
    expect(elementKeysFor(registry, 'AssignmentRules').get('assignmentRule')!.childType).to.equal('AssignmentRule');
    expect(elementKeysFor(registry, 'MatchingRules').get('matchingRules')!.childType).to.equal('MatchingRule');
    // CustomObject in metadata format: decomposed children are keyed, not split out, and nest their own keys.
    const object = elementKeysFor(registry, 'CustomObject');
    expect(object.get('fields')).to.include({ origin: 'registry', childType: undefined });
    expect(object.get('fields/valueSet/valueSetDefinition/value')).to.include({ ordered: true });
    expect(elementKeysFor(registry, 'CustomObjectTranslation').get('fields')!.key).to.deep.equal(['name']);
  });

  it('agrees with the keys of SDR’s decomposePermissionSetBeta2 preset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-federate-elements-'));
    try {
      writeFileSync(join(dir, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app' }], registryPresets: ['decomposePermissionSetBeta2'] }));
      const preset = new RegistryAccess(undefined, dir);
      const fromPreset = [...elementKeysFor(preset, 'PermissionSet').values()].filter((k) => k.origin === 'registry');
      expect(fromPreset.length).to.be.greaterThan(10);
      const hand = new Map(HAND_TABLE.PermissionSet.map(([element, key]) => [element, typeof key === 'string' ? [key] : key]));
      for (const entry of fromPreset) expect([entry.element, hand.get(entry.element)]).to.deep.equal([entry.element, entry.key]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('unkeyed repeated elements keep their order', () => {
    const a = canon('<Layout><layoutSections><label>A</label></layoutSections><layoutSections><label>B</label></layoutSections></Layout>', 'Layout');
    const b = canon('<Layout><layoutSections><label>B</label></layoutSections><layoutSections><label>A</label></layoutSections></Layout>', 'Layout');
    expect(serializeCanonical(a)).to.not.equal(serializeCanonical(b));
  });
});
