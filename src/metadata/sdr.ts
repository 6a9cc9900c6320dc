import { createRequire } from 'node:module';
import type * as Sdr from '@salesforce/source-deploy-retrieve';
import { whileLoadingSdr } from './core-facade.js';

/*
 * The parts of SDR that reading, comparing and overlaying metadata use, loaded from their own modules. SDR's index also loads
 * the deploy/retrieve client, the converters and ComponentSet (0.08–0.1 s of start-up here, on every git delta);
 * the code that converts or retrieves loads the index itself, when it runs. The classes are the very ones the index
 * exports (same module files). Should a later SDR move these files, the index is loaded instead: slower, not broken
 * (test/metadata/sdr.test.ts says which is in use).
 */

type Parts = Pick<typeof Sdr, 'ForceIgnore' | 'MetadataResolver' | 'NodeFSTreeContainer' | 'RegistryAccess' | 'TreeContainer' | 'VirtualTreeContainer'>;

const require = createRequire(import.meta.url);

function fromOwnModules(): Parts | undefined {
  const base = '@salesforce/source-deploy-retrieve/lib/src';
  try {
    const registry = require(`${base}/registry/registryAccess.js`) as Pick<Parts, 'RegistryAccess'>;
    const resolver = require(`${base}/resolve/metadataResolver.js`) as Pick<Parts, 'MetadataResolver'>;
    const ignore = require(`${base}/resolve/forceIgnore.js`) as Pick<Parts, 'ForceIgnore'>;
    const trees = require(`${base}/resolve/treeContainers.js`) as Pick<Parts, 'NodeFSTreeContainer' | 'TreeContainer' | 'VirtualTreeContainer'>;
    const parts: Parts = {
      ForceIgnore: ignore.ForceIgnore,
      MetadataResolver: resolver.MetadataResolver,
      NodeFSTreeContainer: trees.NodeFSTreeContainer,
      RegistryAccess: registry.RegistryAccess,
      TreeContainer: trees.TreeContainer,
      VirtualTreeContainer: trees.VirtualTreeContainer,
    };
    return Object.values(parts).every((part) => typeof part === 'function') ? parts : undefined;
  } catch {
    return undefined;
  }
}

// With a light stand-in for @salesforce/core's index while they load (core-facade.ts).
const own = whileLoadingSdr(fromOwnModules);
const parts: Parts = own ?? (require('@salesforce/source-deploy-retrieve') as typeof Sdr);

/** Whether the parts came from their own modules rather than SDR's index (for a test). */
export const sdrPartsFromOwnModules = own !== undefined;

export const { ForceIgnore, MetadataResolver, NodeFSTreeContainer, RegistryAccess, TreeContainer, VirtualTreeContainer } = parts;
export type ForceIgnore = Sdr.ForceIgnore;
export type MetadataResolver = Sdr.MetadataResolver;
export type NodeFSTreeContainer = Sdr.NodeFSTreeContainer;
export type RegistryAccess = Sdr.RegistryAccess;
export type TreeContainer = Sdr.TreeContainer;
export type VirtualTreeContainer = Sdr.VirtualTreeContainer;
