import type { Connection } from '@salesforce/core';
import { ExitCode } from '../exit-codes.js';
import { checkMessages as messages } from './messages.js';
import type { OrgFacts } from './types.js';

type DescribeResult = { metadataObjects?: Array<{ xmlName: string; childXmlNames?: string | string[] }> };
type ListResult = { fullName: string; namespacePrefix?: string };

/**
 * Asks an org what it takes: the types describeMetadata lists (with child types), the namespaces of its installed
 * packages (listMetadata InstalledPackage) and the highest API version it serves (GET /services/data).
 */
export async function readOrgFacts(connection: Connection, label: string): Promise<OrgFacts> {
  try {
    const describe = (await connection.metadata.describe(connection.getApiVersion())) as DescribeResult;
    const types = new Set<string>();
    for (const object of describe.metadataObjects ?? []) {
      types.add(object.xmlName);
      const childNames = object.childXmlNames === undefined ? [] : Array.isArray(object.childXmlNames) ? object.childXmlNames : [object.childXmlNames];
      for (const name of childNames) types.add(name);
    }
    const listed = (await connection.metadata.list([{ type: 'InstalledPackage' }], connection.getApiVersion())) as ListResult | ListResult[] | undefined;
    const packages = listed === undefined ? [] : Array.isArray(listed) ? listed : [listed];
    const namespaces = new Set(packages.map((entry) => (entry.namespacePrefix ?? entry.fullName).toLowerCase()).filter(Boolean));
    const versions = await connection.request<Array<{ version: string }>>({ method: 'GET', url: `${connection.instanceUrl.replace(/\/+$/, '')}/services/data` });
    const maxApiVersion = versions
      .map((entry) => Number(entry.version))
      .filter((version) => Number.isFinite(version))
      .reduce((max, version) => Math.max(max, version), 0)
      .toFixed(1);
    return { label, types, namespaces, maxApiVersion };
  } catch (error) {
    throw messages.createError('error.OrgFacts', [label, error instanceof Error ? error.message : String(error)], [label], ExitCode.External);
  }
}
