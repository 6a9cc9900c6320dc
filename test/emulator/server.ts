/*
 * A local Salesforce org emulator: a node:http server on 127.0.0.1 that answers what @salesforce/core, SDR and the sf
 * CLI ask of an org (REST login checks, SOAP Metadata API retrieve/deploy/list/describe, REST deployRequest), over one
 * org's metadata kept as a folder in Metadata API format. See README.md for what it does not emulate.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { XMLParser } from 'fast-xml-parser';
import { describedTypes, escapeXml, fakeId, listProperty, MetadataStore, type DeployFailureRule, type DeployOutcome, type RetrieveAnswer } from './store.js';

export type Operation =
  | 'retrieve'
  | 'checkRetrieveStatus'
  | 'deploy'
  | 'checkDeployStatus'
  | 'listMetadata'
  | 'describeMetadata'
  | 'cancelDeploy'
  | 'deployRequest'
  | 'rest';

/** A fault to inject into the next matching request(s). `on` omitted = any request; `times` omitted = 1. */
export type Fault =
  | { readonly kind: 'http500'; readonly on?: Operation; readonly times?: number; readonly message?: string }
  /** The connection is closed with no answer. */
  | { readonly kind: 'drop'; readonly on?: Operation; readonly times?: number }
  /** The answer comes after `ms` milliseconds. */
  | { readonly kind: 'slow'; readonly on?: Operation; readonly times?: number; readonly ms: number }
  /** INVALID_SESSION_ID for the matching request(s); `revokeSession()` makes it permanent. */
  | { readonly kind: 'expiredSession'; readonly on?: Operation; readonly times?: number }
  /** The next deployment fails on this component (every component when type/fullName are omitted). */
  | ({ readonly kind: 'componentFailure'; readonly times?: number } & DeployFailureRule);

export type EmulatorOptions = {
  /** A folder in Metadata API format (package.xml at its root); copied, never changed. */
  readonly metadataDir?: string;
  /**
   * A folder in source format, converted to Metadata API format with SDR: a project (sfdx-project.json in the folder)
   * contributes its package directories only, minus what its .forceignore ignores; any other folder all of it.
   */
  readonly sourceDir?: string;
  /** 18 characters starting with 00D; random when omitted. */
  readonly orgId?: string;
  readonly username?: string;
  /** 'china' makes the org report a CHN instance name (the URL is still http://127.0.0.1:PORT). */
  readonly instance?: 'global' | 'china';
  /** Highest API version the org serves (default 62.0). */
  readonly apiVersion?: string;
  /** Metadata types this org does not support: not described, listMetadata answers INVALID_TYPE. */
  readonly refuseTypes?: readonly string[];
};

export type RequestRecord = { readonly operation: Operation; readonly path: string; readonly detail?: string };

export type Emulator = {
  readonly instanceUrl: string;
  readonly accessToken: string;
  readonly orgId: string;
  readonly username: string;
  readonly userId: string;
  readonly instance: 'global' | 'china';
  readonly apiVersion: string;
  /** The org's metadata as it is now (Metadata API format); deployments change it. */
  readonly metadataDir: string;
  /** Every request answered or faulted, oldest first. */
  readonly requests: readonly RequestRecord[];
  /** Injects a fault into the next matching request(s). */
  fail(fault: Fault): void;
  /** Alias of fail(). */
  failNext(fault: Fault): void;
  /** Faults not yet used. */
  pendingFaults(): number;
  clearFaults(): void;
  /** Every later request with the current token answers INVALID_SESSION_ID (a revoked or expired session). */
  revokeSession(): void;
  /** A new valid token (the old one stops working), as after a new login. */
  rotateToken(): string;
  refuseType(name: string): void;
  stop(): Promise<void>;
};

type Job = { readonly kind: 'retrieve'; readonly answer: RetrieveAnswer; readonly apiVersion: string } | { readonly kind: 'deploy'; readonly outcome: DeployOutcome; readonly checkOnly: boolean; readonly rollbackOnError: boolean; readonly created: string; canceled?: boolean };

const soapParser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name: string): boolean => ['types', 'members', 'queries', 'packageNames', 'specificFiles'].includes(name),
});

function randomWord(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

function newToken(orgId: string): string {
  return `${orgId.slice(0, 15)}!${randomWord(24)}.${randomWord(40)}`;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const store = options.metadataDir
    ? MetadataStore.fromMetadataDir(options.metadataDir)
    : options.sourceDir
      ? await MetadataStore.fromSourceDir(options.sourceDir)
      : MetadataStore.empty();
  const orgId = options.orgId ?? `00D${randomWord(12)}AAA`.slice(0, 18);
  if (!/^00D\w{12}(\w{3})?$/.test(orgId)) throw new Error(`orgId must be 00D + 12 or 15 word characters: ${orgId}`);
  const instance = options.instance ?? 'global';
  const username = options.username ?? `admin@${instance}-${orgId.slice(-6).toLowerCase()}.example.com`;
  const userId = fakeId('005');
  const apiVersion = options.apiVersion ?? '62.0';
  const maxVersion = Number.parseInt(apiVersion, 10);
  const refused = new Set(options.refuseTypes ?? []);
  let token = newToken(orgId);
  let revoked = false;
  const faults: Array<Fault & { left: number }> = [];
  const requests: RequestRecord[] = [];
  const jobs = new Map<string, Job>();
  const sockets = new Set<Socket>();

  const takeFault = (operation: Operation): Fault | undefined => {
    const index = faults.findIndex((fault) => fault.kind !== 'componentFailure' && (!fault.on || fault.on === operation));
    if (index < 0) return undefined;
    const fault = faults[index];
    fault.left--;
    if (fault.left <= 0) faults.splice(index, 1);
    return fault;
  };
  const takeDeployFailures = (): DeployFailureRule[] => {
    const rules: DeployFailureRule[] = [];
    for (let i = faults.length - 1; i >= 0; i--) {
      const fault = faults[i];
      if (fault.kind === 'componentFailure') {
        rules.push({ type: fault.type, fullName: fault.fullName, problem: fault.problem, line: fault.line, column: fault.column });
        fault.left--;
        if (fault.left <= 0) faults.splice(i, 1);
      }
    }
    return rules;
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify([{ errorCode: 'UNKNOWN_EXCEPTION', message: `emulator: ${(error as Error).message}` }]));
      } else {
        res.destroy();
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (process.env.SF_FEDERATE_EMULATOR_DEBUG) res.on('finish', () => process.stderr.write(`emulator: ${req.method ?? ''} ${req.url ?? ''} → ${res.statusCode}\n`));
    // The sf CLI stores instance URLs with a trailing slash: requests arrive as //services/…
    const url = new URL(`http://127.0.0.1${(req.url ?? '/').replace(/^\/+/, '/')}`);
    const path = url.pathname.replace(/\/{2,}/g, '/').replace(/\/$/, '') || '/';
    const body = await readBody(req);

    // SOAP Metadata API
    const soap = /^\/services\/Soap\/m\/(\d+\.\d)$/.exec(path);
    if (soap && req.method === 'POST') {
      const envelope = soapParser.parse(body.toString('utf8')) as { Envelope?: { Header?: { SessionHeader?: { sessionId?: string } }; Body?: Record<string, unknown> } };
      const call = Object.entries(envelope.Envelope?.Body ?? {})[0];
      const operation = (call?.[0] ?? 'unknown') as Operation;
      const args = (call?.[1] ?? {}) as Record<string, unknown>;
      requests.push({ operation, path, detail: describeCall(operation, args) });
      if (await applyFault(operation, res, true)) return;
      const session = envelope.Envelope?.Header?.SessionHeader?.sessionId;
      if (revoked || session !== token) return soapFault(res, 'sf:INVALID_SESSION_ID', 'INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session');
      return soapCall(operation, args, soap[1], res);
    }

    // REST
    const operation: Operation = path.includes('/metadata/deployRequest') ? 'deployRequest' : 'rest';
    requests.push({ operation, path: `${path}${url.search}` });
    if (await applyFault(operation, res, false)) return;
    if (path === '/services/oauth2/revoke') return json(res, 200, {});
    const bearer = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (revoked || bearer !== token) return json(res, 401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    return restCall(req.method ?? 'GET', path, url, body, req, res);
  };

  /** Answers a fault if one is queued for this operation; true when the request was answered. */
  const applyFault = async (operation: Operation, res: ServerResponse, isSoap: boolean): Promise<boolean> => {
    const fault = takeFault(operation);
    if (!fault) return false;
    switch (fault.kind) {
      case 'slow':
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        return res.destroyed;
      case 'drop':
        res.socket?.destroy();
        return true;
      case 'expiredSession':
        if (isSoap) soapFault(res, 'sf:INVALID_SESSION_ID', 'INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session');
        else json(res, 401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
        return true;
      case 'http500':
        if (isSoap) soapFault(res, 'sf:UNKNOWN_EXCEPTION', fault.message ?? 'UNKNOWN_EXCEPTION: An unexpected error occurred. Please include this ErrorId if you contact support: 1234567-89 (emulated)');
        else json(res, 500, [{ errorCode: 'UNKNOWN_EXCEPTION', message: fault.message ?? 'An unexpected error occurred (emulated)' }]);
        return true;
      default:
        return false;
    }
  };

  const soapCall = async (operation: Operation, args: Record<string, unknown>, version: string, res: ServerResponse): Promise<void> => {
    switch (operation) {
      case 'describeMetadata': {
        const metadataObjects = describedTypes(refused).map((type) => ({
          childXmlNames: Object.values(type.children?.types ?? {}).map((child) => child.name),
          directoryName: type.directoryName,
          inFolder: String(Boolean(type.folderType)),
          metaFile: String(Boolean(type.strategies?.adapter === 'matchingContentFile' || type.strategies?.adapter === 'mixedContent' || type.strategies?.adapter === 'bundle')),
          suffix: type.suffix ?? '',
          xmlName: type.name,
        }));
        return soapResult(res, operation, { metadataObjects, organizationNamespace: '', partialSaveAllowed: 'true', testRequired: 'false' });
      }
      case 'listMetadata': {
        const queries = (args.queries ?? []) as Array<{ type: string; folder?: string }>;
        const bad = queries.find((query) => refused.has(query.type));
        if (bad) return soapFault(res, 'sf:INVALID_TYPE', `INVALID_TYPE: Unknown type name: ${bad.type}`);
        const result = queries.flatMap((query) => store.list(query.type, query.folder).map(listProperty));
        return soapResult(res, operation, result);
      }
      case 'retrieve': {
        const request = (args.request ?? {}) as { apiVersion?: string; unpackaged?: { types?: Array<{ name: string; members?: string[] }> }; packageNames?: string[] };
        const types = (request.unpackaged?.types ?? []).map((t) => ({ name: String(t.name), members: (t.members ?? []).map(String) }));
        const accepted = types.filter((t) => !refused.has(t.name));
        const answer = await store.retrieve(accepted, request.apiVersion ?? version);
        const refusedMessages = types.filter((t) => refused.has(t.name)).map((t) => ({ fileName: 'unpackaged/package.xml', problem: `Entity type: '${t.name}' is unknown` }));
        const id = fakeId('09S');
        jobs.set(id, { kind: 'retrieve', answer: { ...answer, messages: [...answer.messages, ...refusedMessages] }, apiVersion: request.apiVersion ?? version });
        return soapResult(res, operation, { done: 'false', id, state: 'Queued' });
      }
      case 'checkRetrieveStatus': {
        const job = jobs.get(String(args.asyncProcessId));
        if (job?.kind !== 'retrieve') return soapFault(res, 'sf:INVALID_ID_FIELD', `INVALID_ID_FIELD: Invalid retrieve id ${String(args.asyncProcessId)}`);
        return soapResult(res, operation, {
          done: 'true',
          fileProperties: job.answer.fileProperties,
          id: String(args.asyncProcessId),
          ...(job.answer.messages.length ? { messages: job.answer.messages } : {}),
          status: 'Succeeded',
          success: 'true',
          zipFile: job.answer.zip.toString('base64'),
        });
      }
      case 'deploy': {
        const zip = Buffer.from(String(args.ZipFile ?? ''), 'base64');
        const deployOptions = (args.DeployOptions ?? {}) as Record<string, string>;
        const id = await startDeploy(zip, deployOptions);
        return soapResult(res, operation, { done: 'false', id, state: 'Queued' });
      }
      case 'checkDeployStatus': {
        const id = String(args.asyncProcessId);
        const job = jobs.get(id);
        if (job?.kind !== 'deploy') return soapFault(res, 'sf:INVALID_ID_FIELD', `INVALID_ID_FIELD: Invalid deploy id ${id}`);
        return soapResult(res, operation, deployResult(id, job, String(args.includeDetails) === 'true'));
      }
      case 'cancelDeploy': {
        const id = String(args.id);
        const job = jobs.get(id);
        if (job?.kind === 'deploy') job.canceled = true;
        return soapResult(res, operation, { done: 'true', id });
      }
      default:
        return soapFault(res, 'sf:INVALID_OPERATION', `INVALID_OPERATION: the emulator does not answer ${operation}`);
    }
  };

  const startDeploy = async (zip: Buffer, deployOptions: Record<string, unknown>): Promise<string> => {
    const flag = (name: string, fallback: boolean): boolean => (deployOptions[name] === undefined ? fallback : String(deployOptions[name]) === 'true');
    const checkOnly = flag('checkOnly', false);
    const rollbackOnError = flag('rollbackOnError', true);
    const outcome = await store.deploy(zip, { checkOnly, rollbackOnError }, takeDeployFailures());
    const id = fakeId('0Af');
    jobs.set(id, { kind: 'deploy', outcome, checkOnly, rollbackOnError, created: new Date().toISOString() });
    return id;
  };

  const deployResult = (id: string, job: Job & { kind: 'deploy' }, details: boolean): Record<string, unknown> => {
    const { outcome } = job;
    const status = job.canceled ? 'Canceled' : outcome.status;
    return {
      id,
      checkOnly: String(job.checkOnly),
      completedDate: new Date().toISOString(),
      createdBy: userId,
      createdByName: 'Emulated User',
      createdDate: job.created,
      ...(details || outcome.failures.length
        ? {
            details: {
              componentFailures: outcome.failures,
              componentSuccesses: outcome.successes,
              runTestResult: { numFailures: '0', numTestsRun: '0', totalTime: '0' },
            },
          }
        : {}),
      done: 'true',
      ...(outcome.errorMessage ? { errorMessage: outcome.errorMessage, errorStatusCode: 'UNKNOWN_EXCEPTION' } : {}),
      ignoreWarnings: 'false',
      lastModifiedDate: new Date().toISOString(),
      numberComponentErrors: String(outcome.failures.length),
      numberComponentsDeployed: String(outcome.deployed),
      numberComponentsTotal: String(outcome.total),
      numberTestErrors: '0',
      numberTestsCompleted: '0',
      numberTestsTotal: '0',
      rollbackOnError: String(job.rollbackOnError),
      runTestsEnabled: 'false',
      startDate: job.created,
      status,
      success: String(status === 'Succeeded' || status === 'SucceededPartial'),
    };
  };

  /* eslint-disable camelcase -- the OAuth userinfo answer: its field names are the protocol's */
  const userInfo = (): Record<string, unknown> => ({
    sub: `https://login.salesforce.com/id/${orgId}/${userId}`,
    user_id: userId,
    organization_id: orgId,
    preferred_username: username,
    nickname: 'admin',
    name: 'Emulated Admin',
    email: username,
    email_verified: true,
    zoneinfo: 'Europe/London',
    locale: 'en_US',
    language: 'en_US',
    user_type: 'STANDARD',
    utcOffset: 0,
  });
  /* eslint-enable camelcase */

  /** A SOQL query (REST or tooling): the Organization row; login checks' objects refused; nothing else. */
  const queryAnswer = (soql: string, base: string): { status: number; body: unknown } => {
    if (/\bFROM\s+Organization\b/i.test(soql)) {
      return {
        status: 200,
        body: {
          totalSize: 1,
          done: true,
          records: [
            {
              attributes: { type: 'Organization', url: `${base}/sobjects/Organization/${orgId}` },
              Id: orgId,
              Name: instance === 'china' ? 'Emulated China Org' : 'Emulated Global Org',
              InstanceName: instance === 'china' ? 'CHN2' : 'NA224',
              IsSandbox: false,
              TrialExpirationDate: null,
              NamespacePrefix: null,
              OrganizationType: 'Enterprise Edition',
            },
          ],
        },
      };
    }
    const object = /\bFROM\s+(\w+)/i.exec(soql)?.[1] ?? '';
    if (/^(ScratchOrgInfo|SandboxProcess|SourceMember|ActiveScratchOrg)$/i.test(object)) {
      return { status: 400, body: [{ errorCode: 'INVALID_TYPE', message: `sObject type '${object}' is not supported.` }] };
    }
    return { status: 200, body: { totalSize: 0, done: true, records: [] } };
  };

  /** POST metadata/deployRequest: a multipart body with the zip (`file`) and the options (`entity_content`). */
  const restDeployRequest = async (body: Buffer, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const parts = multipart(body, req.headers['content-type'] ?? '');
    const file = parts.find((part) => part.name === 'file');
    const entity = parts.find((part) => part.name === 'entity_content');
    const deployOptions = entity ? ((JSON.parse(entity.data.toString('utf8')) as { deployOptions?: Record<string, unknown> }).deployOptions ?? {}) : {};
    if (!file) return json(res, 400, [{ errorCode: 'INVALID_INPUT', message: 'No zip file in the request' }]);
    const id = await startDeploy(file.data, deployOptions);
    const job = jobs.get(id) as Job & { kind: 'deploy' };
    return json(res, 201, { id, deployOptions, deployResult: restDeployResult(deployResult(id, job, false)) });
  };

  const restCall = async (method: string, path: string, url: URL, body: Buffer, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (path === '/services/oauth2/userinfo') return json(res, 200, userInfo());
    if (path === '/services/data') {
      const versions = [];
      for (let v = 31; v <= maxVersion; v++) versions.push({ label: `v${v}`, url: `/services/data/v${v}.0`, version: `${v}.0` });
      return json(res, 200, versions);
    }
    const data = /^\/services\/data\/v(\d+\.\d)(\/.*)?$/.exec(path);
    if (!data) return json(res, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    const base = `/services/data/v${data[1]}`;
    const rest = data[2] ?? '';
    if (rest === '') {
      return json(res, 200, {
        sobjects: `${base}/sobjects`,
        query: `${base}/query`,
        tooling: `${base}/tooling`,
        metadata: `${base}/metadata`,
        limits: `${base}/limits`,
      });
    }
    const user = /^\/sobjects\/User\/(\w+)$/.exec(rest);
    if (user) {
      if (user[1] !== userId) return json(res, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
      return json(res, 200, { attributes: { type: 'User', url: `${base}/sobjects/User/${userId}` }, Id: userId, Username: username, Email: username, Name: 'Emulated Admin', IsActive: true });
    }
    if (rest === '/query' || rest === '/tooling/query') {
      const answer = queryAnswer(url.searchParams.get('q') ?? '', base);
      return json(res, answer.status, answer.body);
    }
    if (/^\/tooling\/sobjects\/SourceMember\/describe$/.test(rest) || /^\/sobjects\/(ScratchOrgInfo|SandboxProcess)/.test(rest)) {
      return json(res, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    }
    if (rest === '/limits') return json(res, 200, { DailyApiRequests: { Max: 15_000, Remaining: 14_999 } });
    if (rest === '/metadata/deployRequest' && method === 'POST') return restDeployRequest(body, req, res);
    const deployStatus = /^\/metadata\/deployRequest\/(\w+)$/.exec(rest);
    if (deployStatus) {
      const job = jobs.get(deployStatus[1]);
      if (job?.kind !== 'deploy') return json(res, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
      if (method === 'PATCH') {
        job.canceled = true;
        return json(res, 202, { id: deployStatus[1], deployResult: restDeployResult(deployResult(deployStatus[1], job, false)) });
      }
      return json(res, 200, { id: deployStatus[1], deployResult: restDeployResult(deployResult(deployStatus[1], job, url.searchParams.get('includeDetails') === 'true')) });
    }
    return json(res, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const emulator: Emulator = {
    instanceUrl: `http://127.0.0.1:${port}`,
    get accessToken() {
      return token;
    },
    orgId,
    username,
    userId,
    instance,
    apiVersion,
    metadataDir: store.root,
    requests,
    fail: (fault) => faults.push({ ...fault, left: fault.times ?? 1 }),
    failNext: (fault) => faults.push({ ...fault, left: fault.times ?? 1 }),
    pendingFaults: () => faults.length,
    clearFaults: () => {
      faults.length = 0;
    },
    revokeSession: () => {
      revoked = true;
    },
    rotateToken: () => {
      revoked = false;
      token = newToken(orgId);
      return token;
    },
    refuseType: (name) => {
      refused.add(name);
    },
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.dispose();
    },
  };
  return emulator;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function toXml(name: string, value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => toXml(name, item)).join('');
  if (value === null || value === undefined) return `<${name} xsi:nil="true"/>`;
  if (typeof value === 'object') {
    return `<${name}>${Object.entries(value as Record<string, unknown>)
      .map(([key, inner]) => toXml(key, inner))
      .join('')}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>';
const ENVELOPE_CLOSE = '</soapenv:Body></soapenv:Envelope>';

function soapResult(res: ServerResponse, operation: string, result: unknown): void {
  const text = `${ENVELOPE_OPEN}<${operation}Response>${toXml('result', result)}</${operation}Response>${ENVELOPE_CLOSE}`;
  res.writeHead(200, { 'Content-Type': 'text/xml;charset=UTF-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function soapFault(res: ServerResponse, code: string, message: string): void {
  const text = `${ENVELOPE_OPEN}<soapenv:Fault><faultcode>${code}</faultcode><faultstring>${escapeXml(message)}</faultstring></soapenv:Fault>${ENVELOPE_CLOSE}`;
  res.writeHead(500, { 'Content-Type': 'text/xml;charset=UTF-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function describeCall(operation: string, args: Record<string, unknown>): string | undefined {
  if (operation === 'listMetadata') return ((args.queries ?? []) as Array<{ type: string; folder?: string }>).map((q) => (q.folder ? `${q.type}/${q.folder}` : q.type)).join(',');
  if (operation === 'retrieve') {
    const request = (args.request ?? {}) as { unpackaged?: { types?: Array<{ name: string; members?: string[] }> } };
    return (request.unpackaged?.types ?? []).map((t) => `${t.name}:${(t.members ?? []).join('|')}`).join(',');
  }
  return undefined;
}

/** The REST deployRequest answer uses JSON types (booleans and numbers) where SOAP has strings. */
function restDeployResult(result: Record<string, unknown>): Record<string, unknown> {
  const convert = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(convert);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v)]));
    if (value === 'true') return true;
    if (value === 'false') return false;
    if (typeof value === 'string' && /^\d+$/.test(value) && value.length < 10) return Number(value);
    return value;
  };
  return convert(result) as Record<string, unknown>;
}

function multipart(body: Buffer, contentType: string): Array<{ name: string; data: Buffer }> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) return [];
  const marker = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const parts: Array<{ name: string; data: Buffer }> = [];
  let start = body.indexOf(marker);
  while (start >= 0) {
    const next = body.indexOf(marker, start + marker.length);
    if (next < 0) break;
    const part = body.subarray(start + marker.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    if (split >= 0) {
      const headers = part.subarray(0, split).toString('utf8');
      const name = /name="([^"]+)"/.exec(headers)?.[1];
      if (name) parts.push({ name, data: part.subarray(split + 4) });
    }
    start = next;
  }
  return parts;
}
