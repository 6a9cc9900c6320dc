import type { AuthInfo, Connection } from '@salesforce/core';
import { ExitCode } from '../../exit-codes.js';
import { classifyInstance, myDomainForLightningHost } from './instance.js';
import { orgMessages as messages } from './messages.js';
import { errorText } from './redact.js';

/** @salesforce/core's index (auth, connections; it loads jsforce): loaded when an org is used, not by every git delta. */
const core = (): Promise<typeof import('@salesforce/core')> => import('@salesforce/core');

/** What the local auth store knows of an org, read without any network call. */
export type OrgIdentity = {
  /** What the user typed: an alias or a username. */
  readonly name: string;
  readonly username: string;
  readonly orgId: string;
  readonly instanceUrl: string;
  readonly instance: 'global' | 'china';
  /** Shown to users: `alias (00D…, https://host)`. */
  readonly label: string;
};

/** The username an alias or username stands for, when the local auth store (`sf org list`) knows it. */
export async function knownUsername(value: string): Promise<string | undefined> {
  if (!value) return undefined;
  try {
    const { StateAggregator } = await core();
    const state = await StateAggregator.getInstance();
    const username = state.aliases.resolveUsername(value);
    // read() loads the auth file (without decrypting); exists() only knows files read before.
    // (throwOnNotFound=true: with false, core answers an empty auth for any name; a missing file gives null here.)
    const fields = await state.orgs.read(username, false, true);
    return fields && (fields.username ?? fields.orgId) ? username : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the org's auth file: who, which org, where. Refuses unknown names and Lightning instance URLs. */
export async function identifyOrg(name: string): Promise<{ identity: OrgIdentity; authInfo: AuthInfo }> {
  const username = await knownUsername(name);
  if (!username) throw messages.createError('error.UnknownOrg', [name], [name, name, name], ExitCode.BadInput);
  const { AuthInfo } = await core();
  let authInfo: AuthInfo;
  try {
    authInfo = await AuthInfo.create({ username });
  } catch (error) {
    throw messages.createError('error.UnknownOrg', [name], [name, name, name], ExitCode.BadInput, new Error(errorText(error)));
  }
  const fields = authInfo.getFields();
  const instanceUrl = (fields.instanceUrl ?? '').replace(/\/+$/, '');
  const myDomain = myDomainForLightningHost(instanceUrl);
  if (myDomain) throw messages.createError('error.LightningInstanceUrl', [name, instanceUrl], [name, myDomain], ExitCode.BadInput);
  const orgId = fields.orgId ?? '';
  const instance = classifyInstance(instanceUrl, (fields as { instanceName?: string }).instanceName);
  return {
    identity: { name, username, orgId, instanceUrl, instance, label: `${name} (${orgId}, ${instanceUrl})` },
    authInfo,
  };
}

/** A connection pinned to the API version (never a guessed one). Makes no request by itself. */
export async function connect(authInfo: AuthInfo, apiVersion: string): Promise<Connection> {
  const { Connection } = await core();
  const connection = await Connection.create({ authInfo, connectionOptions: { version: apiVersion } });
  connection.setApiVersion(apiVersion);
  return connection;
}
