import { Messages } from '@salesforce/core/messages';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);

/** Errors and warnings of the metadata layer (sources, snapshots, XML), from messages/metadata.md. */
export const metadataMessages = Messages.loadMessages('sf-federate', 'metadata');
