/**
 * Problem statements as L1 techs type them, each labelled with the demo knowledge base article
 * (src/services/demo/kb-articles*.ts) that should come first, or null when no article covers it.
 * KB_RELEVANCE_FLOOR is chosen on this set: every labelled statement must score above it with its
 * article first, every unlabelled one below it.
 */
export const KB_RELEVANCE_CORPUS: Array<[statement: string, article: string | null]> = [
  ['my printer says offline', 'Printer offline or print queue stuck'],
  ['print jobs stuck in the queue', 'Printer offline or print queue stuck'],
  [
    'Customer says that since this morning the printer on the second floor shows an error and nothing prints',
    'Printer offline or print queue stuck',
  ],
  ["can't connect to the VPN from home", 'VPN won’t connect'],
  ['GlobalProtect stuck on connecting', 'VPN won’t connect'],
  ["got a new phone and can't approve MFA prompts", 'MFA re-registration (new or lost phone)'],
  ['authenticator app not working on new phone', 'MFA re-registration (new or lost phone)'],
  ['S drive is missing from file explorer', 'Mapped network drive missing'],
  ['wifi keeps disconnecting', 'Wi-Fi keeps dropping'],
  ['teams meeting no sound, nobody can hear me', 'Teams audio not working'],
  ['headset not working in teams', 'Teams audio not working'],
  ['certificate error in chrome', 'Browser certificate warnings and clearing the cache'],
  ['new employee starting today needs laptop set up', 'New starter laptop setup'],
  ['excel crashes when opening a spreadsheet', 'Excel crashes on open'],
  ['softphone has no dial tone', 'Softphone has no dial tone'],
  ["can't see the shared mailbox in outlook", 'Shared mailbox missing in Outlook'],
  ["password expired can't log in", 'Password expired or self-service reset'],
  ['forgot my password', 'Password expired or self-service reset'],
  ['my screen is flickering', null],
  ['the coffee machine is broken', null],
  ['keyboard keys are sticky', null],
  ['monitor shows no signal', null],
  ['the building fire alarm is going off', null],
  ['how do I book annual leave', null],
  ['laptop battery swollen', null],
  ['mouse not working', null],
  ['the server room is hot', null],
];
