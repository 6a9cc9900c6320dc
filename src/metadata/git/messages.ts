import { Messages } from '@salesforce/core/messages';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);

/** Errors of git sources and delta packages, from messages/git.md. */
export const gitMessages = Messages.loadMessages('sf-federate', 'git');
