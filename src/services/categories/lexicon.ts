/**
 * The words the classifier (classify.ts) listens for, per category. A signal fires when every one
 * of its groups has a term in the statement; `unless` terms mean it is about something else.
 * Tuned on tests/corpus/categories.ts; its HELD_OUT list is never tuned on.
 */
export type Group = readonly string[];
export interface Signal {
  groups: readonly Group[];
  weight: number;
  /** Terms that mean the signal is about something else ("the server room" is a place). */
  unless?: Group;
}

const s = (weight: number, ...groups: Group[]): Signal => ({ groups, weight });
const unless = (signal: Signal, terms: Group): Signal => ({ ...signal, unless: terms });

export const FLOOR: Record<string, readonly Signal[]> = {
  security_incident: [
    s(1, [
      'ransomware',
      'ransom',
      'malware',
      'virus',
      'trojan',
      'spyware',
      'keylogger',
      'phishing',
      'phish',
      'hacked',
      'hackd',
      'hacker',
      'breach',
      'compromised',
    ]),
    s(
      1,
      ['dodgy', 'suspicious', 'fake', 'strange', 'weird', 'scam', 'spoofed'],
      ['link', 'email', 'attachment', 'website', 'login page', 'sign in page'],
    ),
    s(1, ['clicked', 'opened'], ['link', 'attachment'], ['password', 'credentials', 'details', 'login']),
    s(
      1,
      ['password', 'credentials', 'login details'],
      ['page', 'site', 'website', 'form'],
      ['not real', 'fake', 'looked like', 'pretending', 'was not', 'not really', 'spoof'],
    ),
    s(1, ['gave', 'told', 'shared'], ['password', 'code', 'credentials'], ['caller', 'phoned', 'called', 'claiming', 'pretending']),
    s(
      1,
      ['unusual', 'suspicious', 'foreign', 'another country', 'abroad'],
      ['sign in', 'signin', 'login', 'logins', 'activity', 'location'],
    ),
    s(1, ['call', 'phone', 'ring'], ['number', 'support'], ['unlock', 'infected', 'virus', 'locked']),
    s(1, ['mouse', 'cursor'], ['moving', 'moves', 'moved'], ['by itself', 'on its own', 'itself']),
    s(1, ['files'], ['encrypted', 'locked', 'renamed'], ['extension', 'ransom', 'pay', 'bitcoin', 'note', 'all']),
    s(1, ['files', 'documents', 'data'], ['encrypted']),
    s(
      1,
      ['rang', 'rung', 'phoned', 'called', 'cold called'],
      ['microsoft', 'it support', 'the bank', 'broadband'],
      ['let', 'gave', 'onto', 'remote', 'install', 'access'],
    ),
    s(1, ['someone', 'somebody', 'stranger'], ['logged', 'signed', 'accessed', 'using', 'sending'], ['account', 'mailbox', 'email']),
    s(1, ['sent', 'sending'], ['emails', 'messages'], ['did not', "didn't", 'never', 'not me', 'without me']),
    s(
      1,
      ['pop up', 'popup', 'pop ups', 'popups'],
      ['call', 'phone', 'number', 'microsoft support'],
      ['infected', 'virus', 'warning', 'locked'],
    ),
    s(
      1,
      ['remote', 'anydesk', 'teamviewer'],
      ['stranger', 'caller', 'scammer', 'someone', 'they'],
      ['control', 'access', 'took over', 'moving'],
    ),
  ],
  data_destruction: [
    s(
      1,
      ['delete', 'deleting', 'remove', 'erase', 'purge', 'wipe', 'wiping', 'destroy'],
      [
        'mailbox',
        'mailboxes',
        'all files',
        'all emails',
        'all the emails',
        'all the files',
        'all data',
        'all the data',
        'drive',
        'everything',
        'account data',
        'history',
        'shared folder',
        'sharepoint site',
      ],
    ),
    s(
      1,
      ['wipe', 'wiping', 'erase', 'factory reset', 'reformat', 'format'],
      ['laptop', 'computer', 'pc', 'device', 'phone', 'ipad', 'iphone', 'mobile', 'drive', 'disk', 'machine'],
    ),
  ],
  financial: [
    s(
      1,
      ['bank', 'banking', 'iban', 'sort code', 'account number', 'swift'],
      ['details', 'detail', 'change', 'update', 'new', 'switch', 'different'],
    ),
    s(
      1,
      ['salary', 'salaries', 'payroll', 'wages', 'payslip', 'pay'],
      ['paid into', 'paid to', 'where', 'account', 'bank', 'redirect', 'change', 'update'],
    ),
    s(
      1,
      ['payment', 'payments', 'transfer', 'wire', 'invoice'],
      ['approve', 'authorise', 'authorize', 'send', 'make', 'urgent', 'release', 'new bank', 'change'],
    ),
    s(1, ['gift cards', 'gift card', 'vouchers']),
    s(1, ['pay', 'transfer money', 'send money'], ['supplier', 'urgently', 'urgent', 'invoice', 'director', 'ceo']),
    s(1, ['pay', 'paid', 'payment'], ['different account', 'new account', 'another account']),
  ],
  infrastructure: [
    unless(
      s(
        1,
        ['server', 'servers', 'domain controller', 'hypervisor', 'nas', 'san'],
        ['down', 'offline', 'crashed', 'not responding', 'unreachable', 'restart', 'reboot', 'dead'],
      ),
      ['server room'],
    ),
    s(
      1,
      ['firewall', 'dns', 'dhcp', 'domain', 'website domain', 'certificate', 'ssl'],
      ['change', 'rule', 'expired', 'record', 'down', 'open', 'port', 'renew', 'update', 'broken', 'blocking', 'blocked', 'block', 'allow'],
    ),
    s(1, ['backup', 'backups'], ['failing', 'failed', 'restore', 'not running', 'missing', 'error', 'stopped']),
    s(
      1,
      ['everyone', 'whole office', 'nobody', 'entire office', 'all users', 'the whole company'],
      ['internet', 'network', 'email', 'emails', 'server', 'systems', 'files', 'phones'],
    ),
  ],
  legal_hr: [
    s(1, [
      'legal hold',
      'tribunal',
      'regulator',
      'court order',
      'litigation hold',
      'lawyer',
      'solicitor',
      'court',
      'subpoena',
      'ediscovery',
      'e discovery',
    ]),
    s(
      1,
      ['hr', 'human resources', 'manager', 'boss'],
      ['investigation', 'disciplinary', 'monitor', 'read', 'copy', 'export', 'spy'],
      ['emails', 'email', 'mailbox', 'messages', 'chats', 'employee', 'colleague'],
    ),
  ],
};

export const L1: Record<string, readonly Signal[]> = {
  password_reset: [
    s(3, ['password', 'passcode'], ['forgot', 'forgotten', 'reset', 'expired', 'change', 'wrong', 'remember', 'incorrect']),
    s(3, ['locked out', 'lockout', 'account locked', 'locked']),
    s(1, ['password', 'log in', 'login', 'sign in']),
  ],
  mfa: [
    s(3, ['mfa', '2fa', 'two factor', 'multi factor', 'authenticator', 'verification code', 'one time code', 'otp', 'duo']),
    s(4, ['code', 'codes', 'prompt', 'approval', 'notification'], ['text', 'sms', 'phone', 'arrive', 'sign in', 'approve', 'not getting']),
    s(2, ['new phone', 'lost phone', 'changed phone'], ['sign in', 'login', 'app', 'code']),
    // Signing in on a phone is the sign-in prompt, not telephony.
    s(4, ['sign in', 'signin', 'log in', 'login'], ['phone', 'mobile']),
  ],
  email: [
    s(3, ['outlook', 'email', 'emails', 'mailbox', 'inbox', 'webmail', 'gmail', 'exchange', 'mail', 'calendar']),
    s(2, ['outbox', 'signature', 'shared mailbox', 'out of office', 'calendar', 'attachment', 'bounce', 'bounced', 'junk', 'spam folder']),
  ],
  printing: [
    s(3, ['printer', 'printers', 'printing', 'print', 'prints', 'toner', 'scanner', 'scan', 'scanning', 'copier', 'photocopier']),
    s(1, ['paper jam', 'jam', 'queue', 'driver']),
    s(3, ['scan to email', 'scan to folder', 'scans to email']),
  ],
  network: [
    s(3, ['wifi', 'wi fi', 'wireless', 'internet', 'ethernet', 'network', 'router', 'no connection']),
    s(1, ['slow', 'drops', 'disconnect', 'disconnecting', 'no signal', 'cable', 'offline']),
  ],
  vpn: [
    s(3, ['vpn', 'remote desktop', 'rdp', 'citrix', 'forticlient', 'globalprotect', 'anyconnect']),
    s(4, ['from home', 'working from home', 'remote access', 'office network'], ['connect', 'reach', 'access']),
  ],
  software: [
    s(3, ['install', 'installed', 'installation', 'update', 'upgrade', 'licence', 'license', 'activate', 'activation']),
    s(2, [
      'excel',
      'word',
      'powerpoint',
      'office',
      'adobe',
      'acrobat',
      'pdf',
      'app',
      'application',
      'program',
      'software',
      'sage',
      'quickbooks',
    ]),
    s(1, ['crash', 'crashing', 'crashes', 'freezes', 'freezing', 'not responding', 'error message']),
  ],
  hardware: [
    s(3, [
      'laptop',
      'monitor',
      'screen',
      'keyboard',
      'mouse',
      'dock',
      'docking station',
      'charger',
      'battery',
      'headset',
      'webcam',
      'usb',
      'desktop',
      'computer',
      'pc',
    ]),
    s(1, ['turn on', 'power', 'broken', 'flickering', 'not detected', 'black', 'blank', 'noise', 'hot']),
  ],
  browser: [
    s(3, [
      'chrome',
      'edge',
      'firefox',
      'safari',
      'browser',
      'web page',
      'webpage',
      'website',
      'websites',
      'bookmark',
      'bookmarks',
      'browser extension',
      'cookies',
      'cache',
    ]),
  ],
  file_access: [
    s(3, [
      'onedrive',
      'sharepoint',
      'shared drive',
      'network drive',
      'mapped drive',
      'shared folder',
      'team folder',
      'dropbox',
      'google drive',
      'files',
      'folder',
      'file',
    ]),
    s(2, ['access', 'permission', 'permissions', 'sync', 'syncing', 'open', 'find', 'missing']),
  ],
  phone: [
    // A Teams or Zoom call is a meeting, not telephony.
    unless(
      s(3, [
        'desk phone',
        'phone',
        'handset',
        'voicemail',
        'dial tone',
        'softphone',
        'extension number',
        'mobile',
        'calls',
        'call quality',
      ]),
      ['teams', 'zoom', 'webex'],
    ),
  ],
  meetings: [
    s(3, ['teams', 'zoom', 'meeting', 'meetings', 'webex', 'google meet', 'video call', 'conference room', 'meeting room']),
    s(3, ['meeting room', 'conference room'], ['screen', 'display', 'tv', 'camera', 'speaker']),
    s(2, ['microphone', 'mic', 'camera', 'share my screen', 'screen share', 'screen sharing', 'audio', 'echo', 'cannot hear']),
  ],
  onboarding: [
    s(5, [
      'new starter',
      'new starters',
      'new employee',
      'new hire',
      'new joiner',
      'onboarding',
      'onboard',
      'starting on monday',
      'joins us',
      'leaver',
      'leavers',
    ]),
    s(2, ['set up', 'setup'], ['accounts', 'account', 'laptop', 'new']),
  ],
};
