import { patchFix } from '../fix.js';
import { forEachXml, located } from '../support.js';
import { addressOf, descendants } from '../xml-scan.js';
import type { Rule } from '../types.js';

/**
 * Where usernames and sender addresses are written (CustomSite, Network and Bot: a site's admin and guest record owner,
 * an Experience Cloud site's sender address, a bot's user; PlatformEventSubscriberConfig: the user a platform event
 * trigger runs as).
 */
const TYPES = ['Workflow', 'ApprovalProcess', 'EmailServicesFunction', 'AutoResponseRules', 'AssignmentRules', 'EscalationRules', 'Dashboard', 'Settings', 'Queue', 'Group', 'Flow', 'CustomSite', 'Network', 'Bot', 'PlatformEventSubscriberConfig'];
const ELEMENTS = new Set([
  'senderAddress',
  'recipient',
  'runAsUser',
  'runningUser',
  'authorizedSenders',
  'senderEmail',
  'replyToEmail',
  'assignedTo',
  'defaultCaseOwner',
  'defaultCaseUser',
  'automatedCaseOwner',
  'integrationUser',
  'user',
  'name',
  'approver',
  'delegatedApprover',
  // CustomSite (sites/*.site-meta.xml)
  'siteAdmin',
  'siteGuestRecordDefaultOwner',
  // Network (networks/*.network-meta.xml): the address site e-mails are sent from
  'emailSenderAddress',
  // Bot (bots/<Name>/<Name>.bot-meta.xml): the user the bot or agent runs as
  'botUser',
]);

/**
 * Elements that hold an e-mail address mail is sent from, not a username: an address verified in one org (an
 * org-wide address, a site's sender) is not a user, and the China org verifies its own.
 */
const SENDERS = new Set(['senderAddress', 'senderEmail', 'replyToEmail', 'authorizedSenders', 'emailSenderAddress']);

/** CN-USER-01: usernames and e-mail senders that differ per org. */
const rule: Rule = {
  id: 'CN-USER-01',
  title: 'Username or sender address that differs per org',
  help:
    'Alert senders and recipients, approvers, email service senders, run-as users, site admins and guest record owners (CustomSite), Experience Cloud sender addresses (Network), bot users (Bot) and the users platform event triggers run as (PlatformEventSubscriberConfig) ' +
    'name users of one org (usernames are unique across all of Salesforce, so the China org has others). ' +
    'Set the China value in the overlay with a patch (per stage with overlay values when sandboxes differ).',
  defaultSeverity: 'warn',
  bound: ['china'],
  async check(context, emit) {
    await forEachXml(context, TYPES, (component, xml) => {
      for (const element of descendants(xml.root)) {
        if (!ELEMENTS.has(element.name) || element.children.length || !element.text.includes('@')) continue;
        if (element.name === 'name' && element.parent?.name !== 'approver' && element.parent?.name !== 'users') continue;
        // Calling a sender address "a user" misleads: the fix is an address verified in the China org, not a username.
        const sender = SENDERS.has(element.name);
        emit({
          message: sender
            ? `${component.key} ${element.name} is ${element.text}, a sender address set up in another org (the China org verifies its own).`
            : `${component.key} ${element.name} is ${element.text}, a user of another org.`,
          component: component.key,
          ...located(xml, element),
          fix: sender
            ? patchFix(context, `Set the sender address verified in the China org in the ${context.region} overlay:`, component.key, addressOf(element), 'REPLACE-WITH-CHINA-SENDER-ADDRESS')
            : patchFix(context, `Set the China org's user in the ${context.region} overlay:`, component.key, addressOf(element), 'REPLACE-WITH-CHINA-USERNAME'),
        });
      }
    });
  },
};
export default rule;
