import type { Overlay } from '../../src/overlay/types.js';
import { parseOverlay } from '../../src/overlay/load.js';

export const D = 'force-app/main/default';
const X = '<?xml version="1.0" encoding="UTF-8"?>\n';

export const GLOBAL: Record<string, string> = {
  [`${D}/objects/Account/Account.object-meta.xml`]: `${X}<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata">\n    <label>Account</label>\n</CustomObject>\n`,
  [`${D}/objects/Account/fields/Region__c.field-meta.xml`]: `${X}<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">\n    <fullName>Region__c</fullName>\n    <label>Region</label>\n    <type>Text</type>\n    <length>80</length>\n</CustomField>\n`,
  [`${D}/objects/Account/fields/Global_Only__c.field-meta.xml`]: `${X}<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">\n    <fullName>Global_Only__c</fullName>\n    <label>Global only</label>\n    <type>Checkbox</type>\n    <defaultValue>false</defaultValue>\n</CustomField>\n`,
  [`${D}/labels/CustomLabels.labels-meta.xml`]: `${X}<CustomLabels xmlns="http://soap.sforce.com/2006/04/metadata">\n    <labels>\n        <fullName>Greeting</fullName>\n        <language>en_US</language>\n        <protected>false</protected>\n        <shortDescription>Greeting</shortDescription>\n        <value>Hello</value>\n    </labels>\n    <labels>\n        <fullName>Global_Support</fullName>\n        <language>en_US</language>\n        <protected>false</protected>\n        <shortDescription>Support</shortDescription>\n        <value>Call us</value>\n    </labels>\n</CustomLabels>\n`,
  [`${D}/namedCredentials/Payments.namedCredential-meta.xml`]: `${X}<NamedCredential xmlns="http://soap.sforce.com/2006/04/metadata">\n    <allowMergeFieldsInBody>false</allowMergeFieldsInBody>\n    <allowMergeFieldsInHeader>false</allowMergeFieldsInHeader>\n    <endpoint>https://pay.example.com/v1</endpoint>\n    <label>Payments</label>\n    <principalType>Anonymous</principalType>\n    <protocol>NoAuthentication</protocol>\n</NamedCredential>\n`,
  [`${D}/classes/Login.cls`]: "public class Login {\n    public static String url() { return 'https://login.salesforce.com'; }\n}\n",
  [`${D}/classes/Login.cls-meta.xml`]: `${X}<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">\n    <apiVersion>62.0</apiVersion>\n    <status>Active</status>\n</ApexClass>\n`,
  [`${D}/profiles/Admin.profile-meta.xml`]: `${X}<Profile xmlns="http://soap.sforce.com/2006/04/metadata">\n    <custom>false</custom>\n    <fieldPermissions>\n        <editable>true</editable>\n        <field>Account.Region__c</field>\n        <readable>true</readable>\n    </fieldPermissions>\n    <fieldPermissions>\n        <editable>true</editable>\n        <field>Account.Global_Only__c</field>\n        <readable>true</readable>\n    </fieldPermissions>\n</Profile>\n`,
  [`${D}/bots/Helper/Helper.bot-meta.xml`]: `${X}<Bot xmlns="http://soap.sforce.com/2006/04/metadata">\n    <label>Helper</label>\n</Bot>\n`,
};

export function overlayOf(text: string, extra: Partial<Overlay> = {}): Overlay {
  return { ...parseOverlay(text, 'overlay.yml', { packageDirs: ['force-app'] }), ...extra };
}
