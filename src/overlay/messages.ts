import { Messages } from '@salesforce/core/messages';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);

/** Errors and warnings of overlays (load, apply, capture), from messages/overlay.md. */
export const overlayMessages = Messages.loadMessages('sf-federate', 'overlay');
