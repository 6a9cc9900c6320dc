import { metadataMessages as messages } from '../metadata/messages.js';
import type { Manifests } from './manifests.js';

/**
 * A warning when destructiveChanges delete flows: the Metadata API does not delete a flow while a version of it is
 * active, so the deploy of such a delta fails in an org where the flow still runs unless it is deactivated first.
 * The manifests cannot say whether it is active there; the release manager can.
 */
export function flowDeletionWarnings(manifests: Manifests): string[] {
  const flows = [...(manifests.members.destructiveChangesPre.Flow ?? []), ...(manifests.members.destructiveChangesPost.Flow ?? [])];
  return flows.length ? [messages.getMessage('warning.FlowDeletion', [flows.length, flows.join(', ')])] : [];
}
