/**
 * The L1 categories (DESIGN §13): what a frontline technician may handle, each with examples the
 * intake matcher learns its words from. The keys are binding. The hard floor is never enabled for
 * L1, whatever an admin sends: those calls go to an engineer.
 */
export interface L1Category {
  key: string;
  label: string;
  description: string;
  examples: readonly string[];
}

export const L1_CATEGORIES = [
  {
    key: 'password_reset',
    label: 'Password resets',
    description: 'Forgotten or expired passwords and locked-out accounts.',
    examples: ['forgot my password', 'account is locked out', 'password expired and I cannot log in'],
  },
  {
    key: 'mfa',
    label: 'Multi-factor sign-in',
    description: 'Authenticator apps, codes that do not arrive, a new phone for sign-in prompts.',
    examples: ['not getting the MFA code', 'new phone, authenticator app', 'sign-in approval never shows up'],
  },
  {
    key: 'email',
    label: 'Email',
    description: 'Outlook and webmail: sending, receiving, mailbox full, shared mailboxes, signatures.',
    examples: ['Outlook will not open', 'emails stuck in the outbox', 'mailbox is full'],
  },
  {
    key: 'printing',
    label: 'Printing and scanning',
    description: 'Printers offline, stuck queues, drivers, scan to email.',
    examples: ['printer says offline', 'print jobs stuck in the queue', 'scan to email stopped working'],
  },
  {
    key: 'network',
    label: 'Network and Wi-Fi',
    description: 'One device or one desk without internet, Wi-Fi that drops, slow connections.',
    examples: ['no internet on my laptop', 'wifi keeps disconnecting', 'network is really slow'],
  },
  {
    key: 'vpn',
    label: 'VPN and remote access',
    description: 'Connecting to the office from home: VPN clients, remote desktop.',
    examples: ['VPN will not connect', 'cannot reach the office from home', 'remote desktop fails'],
  },
  {
    key: 'software',
    label: 'Software',
    description: 'Installing, updating and repairing everyday applications; licences for them.',
    examples: ['Excel keeps crashing', 'need Teams installed', 'app says licence expired'],
  },
  {
    key: 'hardware',
    label: 'Devices and peripherals',
    description: 'Laptops, docks, monitors, keyboards and mice that misbehave.',
    examples: ['second monitor not detected', 'laptop will not turn on', 'docking station not working'],
  },
  {
    key: 'browser',
    label: 'Browsers',
    description: 'Web pages that will not load, pop-ups, extensions, saved passwords in the browser.',
    examples: ['Chrome will not load pages', 'website keeps asking me to sign in', 'browser is very slow'],
  },
  {
    key: 'file_access',
    label: 'Files and shared folders',
    description: 'OneDrive, SharePoint and shared drives: syncing, permissions to an existing folder.',
    examples: ['cannot open the shared drive', 'OneDrive not syncing', 'need access to the team folder'],
  },
  {
    key: 'phone',
    label: 'Phones',
    description: 'Desk phones, softphones and company mobiles: no dial tone, voicemail, call quality.',
    examples: ['desk phone has no dial tone', 'voicemail not working', 'calls keep dropping'],
  },
  {
    key: 'meetings',
    label: 'Meetings',
    description: 'Teams and Zoom calls: camera, microphone, sharing the screen, meeting rooms.',
    examples: ['microphone not working in Teams', 'cannot share my screen', 'meeting room screen is blank'],
  },
  {
    key: 'onboarding',
    label: 'Starters and leavers',
    description: 'Setting up a new starter’s accounts and devices from the standard checklist.',
    examples: ['new starter on Monday needs a laptop', 'set up accounts for a new employee'],
  },
] as const satisfies readonly L1Category[];

export const HARD_FLOOR = [
  {
    key: 'security_incident',
    label: 'Security incidents',
    description: 'Malware, ransomware, phishing, a compromised account or a breach: an engineer acts at once.',
    examples: ['clicked a link in a phishing email', 'ransom note on the screen', 'someone logged into my account'],
  },
  {
    key: 'data_destruction',
    label: 'Deleting data',
    description: 'Deleting mailboxes or data, wiping devices: cannot be undone.',
    examples: ['delete this mailbox', 'wipe the laptop', 'remove all the files of a leaver'],
  },
  {
    key: 'financial',
    label: 'Money',
    description: 'Bank or payroll details and payments: a classic target of fraud.',
    examples: ['change the bank details for payroll', 'update where salaries are paid', 'approve a payment'],
  },
  {
    key: 'infrastructure',
    label: 'Infrastructure',
    description: 'Servers, firewalls, DNS, domains and backups: one change affects everyone.',
    examples: ['the server is down', 'firewall change', 'our website domain expired', 'backups failing'],
  },
  {
    key: 'legal_hr',
    label: 'Legal and HR',
    description: 'Legal holds and HR investigations: handled by named people only.',
    examples: ['legal hold on a mailbox', 'HR needs an employee’s emails for an investigation'],
  },
] as const satisfies readonly L1Category[];

export type L1CategoryKey = (typeof L1_CATEGORIES)[number]['key'];
export type HardFloorKey = (typeof HARD_FLOOR)[number]['key'];

const byKey = new Map<string, L1Category>([...L1_CATEGORIES, ...HARD_FLOOR].map((c) => [c.key, c]));

export function category(key: string): L1Category | undefined {
  return byKey.get(key);
}

export function isHardFloor(key: string): key is HardFloorKey {
  return HARD_FLOOR.some((c) => c.key === key);
}

/** What a new account starts with: every category above the hard floor. */
export const DEFAULT_ENABLED: readonly string[] = L1_CATEGORIES.map((c) => c.key);
