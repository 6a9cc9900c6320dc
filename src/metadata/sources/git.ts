import { metadataMessages as messages } from '../messages.js';
import type { SourceKindHandler } from './index.js';

// Placeholder until the git source lands (issue: git refs as sources): it recognises nothing and refuses to read.
export const gitSourceKind: SourceKindHandler = {
  recognises: async () => false,
  read: async (spec) => {
    throw messages.createError('error.SourceSpec', [`git:${spec.value}`]);
  },
};
