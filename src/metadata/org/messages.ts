import { Messages } from '@salesforce/core/messages';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);

/** Errors, warnings and progress of org sources, from messages/org.md. */
export const orgMessages = Messages.loadMessages('sf-federate', 'org');
