import { Messages } from '@salesforce/core/messages';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
/** Errors and report sentences of the readiness checks (messages/checks.md). */
export const checkMessages = Messages.loadMessages('sf-federate', 'checks');
