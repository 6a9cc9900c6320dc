import { metadataMessages as messages } from '../messages.js';
import type { SourceKindHandler } from './index.js';

// Placeholder until the git source lands (issue: orgs as sources): it recognises nothing and refuses to read.
export const orgSourceKind: SourceKindHandler = {
  recognises: async () => false,
  read: async (spec) => {
    throw messages.createError('error.SourceSpec', [`org:${spec.value}`]);
  },
};
