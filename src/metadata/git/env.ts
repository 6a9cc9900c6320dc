/** Environment for every git run: no pager, no prompts, no localised messages, no optional locks. */
export const GIT_ENV = { GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C', GIT_PAGER: 'cat' } as const;
