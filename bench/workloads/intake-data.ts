// Synthetic but realistic-shaped data for the intake leg: KB articles and published flows over the
// same IT topics an MSP's desk sees, varied by product, site and wording so that every document is
// distinct (its own content hash) and the indexes see a real vocabulary, not one repeated page.
import type { FlowNode } from '../../src/services/flows/graph.ts';

interface Topic {
  title: string;
  words: string[];
  steps: string[];
}

const TOPICS: Topic[] = [
  {
    title: 'Printer shows offline',
    words: ['printer', 'offline', 'queue'],
    steps: [
      'Check the printer is powered on and shows Ready',
      'Open the print queue and cancel stuck jobs',
      'Restart the Print Spooler service',
      'Remove and re-add the printer from the print server',
    ],
  },
  {
    title: 'Print jobs stuck in the queue',
    words: ['print', 'queue', 'stuck', 'spooler'],
    steps: ['Clear the queue for the user', 'Restart the spooler', 'Check the driver version against the print server'],
  },
  {
    title: 'VPN will not connect',
    words: ['vpn', 'connect', 'tunnel'],
    steps: [
      'Confirm the internet connection works without the VPN',
      'Check the VPN client version',
      'Re-enter the user credentials',
      'Reset the VPN adapter',
    ],
  },
  {
    title: 'VPN connects but no access to shares',
    words: ['vpn', 'shares', 'dns'],
    steps: ['Ping the file server by name and by address', 'Flush the DNS cache', 'Check the split tunnel routes'],
  },
  {
    title: 'MFA prompt not arriving',
    words: ['mfa', 'authenticator', 'prompt', 'phone'],
    steps: [
      'Check the phone has signal and the right time',
      'Open the Authenticator app and refresh',
      'Use a verification code instead',
      'Re-register the MFA method',
    ],
  },
  {
    title: 'New phone for the authenticator app',
    words: ['mfa', 'authenticator', 'new', 'phone'],
    steps: [
      'Confirm the caller identity with the callback number',
      'Add the new device in the security info page',
      'Remove the old device',
    ],
  },
  {
    title: 'Password expired',
    words: ['password', 'expired', 'reset'],
    steps: ['Confirm identity', 'Send the self-service reset link', 'Check the account is not locked'],
  },
  {
    title: 'Account locked out',
    words: ['account', 'locked', 'password'],
    steps: ['Check the lockout source', 'Unlock the account', 'Clear saved credentials on the phone'],
  },
  {
    title: 'Mapped drive missing',
    words: ['mapped', 'drive', 'missing', 'share'],
    steps: ['Check the user is on the network or VPN', 'Run the login script again', 'Map the drive by its path'],
  },
  {
    title: 'Cannot open a shared folder',
    words: ['shared', 'folder', 'access', 'denied'],
    steps: ['Check the group membership', 'Ask the folder owner to approve access', 'Sign out and in to refresh the token'],
  },
  {
    title: 'Teams audio not working',
    words: ['teams', 'audio', 'microphone', 'headset'],
    steps: ['Check the headset is selected in Teams devices', 'Make a test call', 'Update the headset firmware'],
  },
  {
    title: 'Teams camera black screen',
    words: ['teams', 'camera', 'video'],
    steps: ['Check the privacy shutter', 'Allow camera access in privacy settings', 'Close other apps using the camera'],
  },
  {
    title: 'Wi-Fi keeps dropping',
    words: ['wifi', 'wireless', 'drops', 'disconnects'],
    steps: ['Forget the network and join again', 'Update the wireless driver', 'Turn off power saving for the adapter'],
  },
  {
    title: 'No internet on one computer',
    words: ['internet', 'network', 'cable'],
    steps: ['Check the cable or Wi-Fi icon', 'Run the network troubleshooter', 'Renew the IP address'],
  },
  {
    title: 'Browser certificate warning',
    words: ['browser', 'certificate', 'warning', 'https'],
    steps: ['Check the computer clock', 'Open the site in a private window', 'Clear the SSL state'],
  },
  {
    title: 'Website loads slowly in the browser',
    words: ['browser', 'slow', 'cache', 'extensions'],
    steps: ['Clear the cache and cookies', 'Disable extensions', 'Try another browser'],
  },
  {
    title: 'Excel crashes on open',
    words: ['excel', 'crash', 'office'],
    steps: ['Start Excel in safe mode', 'Disable add-ins', 'Run an Office quick repair'],
  },
  {
    title: 'Word document will not save',
    words: ['word', 'save', 'document', 'onedrive'],
    steps: ['Save a copy locally', 'Check OneDrive sync status', 'Check the file is not read-only'],
  },
  {
    title: 'Shared mailbox missing in Outlook',
    words: ['shared', 'mailbox', 'outlook'],
    steps: ['Check the mailbox permission', 'Restart Outlook and wait for automapping', 'Add the mailbox by hand'],
  },
  {
    title: 'Calendar invites not arriving',
    words: ['calendar', 'invite', 'meeting'],
    steps: ['Check the junk folder', 'Check delegate settings', 'Check rules that move invites'],
  },
  {
    title: 'Softphone has no dial tone',
    words: ['phone', 'softphone', 'dial', 'tone'],
    steps: ['Check the softphone is signed in', 'Check the headset', 'Restart the softphone client'],
  },
  {
    title: 'Desk phone shows no service',
    words: ['desk', 'phone', 'service', 'poe'],
    steps: ['Check the network cable into the phone', 'Reboot the phone', 'Try another wall port'],
  },
  {
    title: 'Laptop will not turn on',
    words: ['laptop', 'power', 'battery'],
    steps: ['Plug in the charger and wait five minutes', 'Hold the power button for thirty seconds', 'Try another charger'],
  },
  {
    title: 'Second monitor not detected',
    words: ['monitor', 'display', 'dock'],
    steps: ['Reseat the cable', 'Check the dock firmware', 'Press Win+P and choose Extend'],
  },
  {
    title: 'New starter laptop setup',
    words: ['new', 'starter', 'laptop', 'onboarding'],
    steps: ['Sign in with the temporary password', 'Set up MFA', 'Install the standard apps from the company portal'],
  },
  {
    title: 'Software install request',
    words: ['software', 'install', 'request'],
    steps: ['Check the app is on the approved list', 'Install from the company portal', 'Raise an approval request'],
  },
  {
    title: 'Application will not update',
    words: ['application', 'update', 'error'],
    steps: ['Restart the computer', 'Run the updater as administrator', 'Reinstall the application'],
  },
  {
    title: 'Zoom meeting audio echo',
    words: ['zoom', 'meeting', 'echo', 'audio'],
    steps: ['Use a headset', 'Mute other devices in the room', 'Turn on echo cancellation'],
  },
  {
    title: 'OneDrive not syncing',
    words: ['onedrive', 'sync', 'files'],
    steps: ['Check the OneDrive icon for errors', 'Pause and resume sync', 'Reset OneDrive'],
  },
  {
    title: 'Keyboard or mouse not working',
    words: ['keyboard', 'mouse', 'usb', 'bluetooth'],
    steps: ['Replace the batteries', 'Try another USB port', 'Pair the device again'],
  },
];

const PRODUCTS = [
  'HP LaserJet',
  'Brother',
  'Canon',
  'Ricoh',
  'FortiClient',
  'GlobalProtect',
  'Cisco AnyConnect',
  'Dell Latitude',
  'Lenovo ThinkPad',
  'Surface',
  'Yealink',
  'Polycom',
  'Jabra',
  'Logitech',
  'Windows 11',
  'macOS',
  'Chrome',
  'Edge',
  'Firefox',
  'Microsoft 365',
];
const SITES = ['head office', 'warehouse', 'branch office', 'clinic', 'school', 'studio', 'depot', 'surgery', 'shop', 'lab'];

function topicOf(i: number): Topic {
  return TOPICS[i % TOPICS.length]!;
}

/** The i-th KB article, as an MSP would write it: symptoms, steps, when to escalate. */
export function kbArticle(i: number): { title: string; body: string } {
  const t = topicOf(i);
  const product = PRODUCTS[Math.floor(i / TOPICS.length) % PRODUCTS.length]!;
  const site = SITES[Math.floor(i / (TOPICS.length * PRODUCTS.length)) % SITES.length]!;
  const title = `${t.title}: ${product} at the ${site} (${i})`;
  const steps = t.steps.map((s, k) => `${k + 1}. ${s}${k === 0 ? ` on the ${product}` : ''}.`).join('\n');
  const body = [
    `# ${title}`,
    '',
    '## Symptoms',
    '',
    `The user at the ${site} reports: ${t.words.join(', ')}. Reference ${i}.`,
    '',
    '## Steps',
    '',
    steps,
    '',
    '## When to escalate',
    '',
    `If the steps above do not help, escalate to the ${site} engineer with the ${product} model and what you tried.`,
  ].join('\n');
  return { title, body };
}

/** The i-th published flow: a chain of the topic's checks, each yes → resolved, no → the next. */
export function flowFor(i: number): { title: string; description: string; rootNodeId: string; nodes: FlowNode[] } {
  const t = topicOf(i);
  const product = PRODUCTS[Math.floor(i / TOPICS.length) % PRODUCTS.length]!;
  const nodes: FlowNode[] = [];
  t.steps.forEach((s, k) => {
    nodes.push({
      id: `s${k}`,
      kind: 'question',
      text: `${s}. Did that fix it?`,
      yesLabel: 'Fixed',
      noLabel: 'Still broken',
      yesNext: 'done',
      noNext: k + 1 < t.steps.length ? `s${k + 1}` : 'escalate',
    });
  });
  nodes.push({ id: 'done', kind: 'resolution', text: 'Resolved: note what fixed it.' });
  nodes.push({ id: 'escalate', kind: 'escalation', text: 'Escalate with the steps tried.' });
  return { title: `${t.title} (${product}, ${i})`, description: `For ${t.words.join(', ')} on ${product}.`, rootNodeId: 's0', nodes };
}

/** What callers say: matching a flow topic, KB-only topics, nothing known, and the hard floor. */
export const STATEMENTS = [
  'my printer says offline again',
  'the vpn will not connect from home',
  'not getting the mfa prompt on my phone',
  'my password expired this morning',
  'the mapped drive is missing',
  'teams audio not working in calls',
  'wifi keeps dropping every few minutes',
  'excel crashes as soon as I open it',
  'shared mailbox disappeared from outlook',
  'softphone has no dial tone',
  'second monitor not detected on the dock',
  'onedrive is not syncing my files',
  'the coffee machine is leaking water',
  'I clicked a dodgy link and typed my password',
  'there is a ransom note on my screen',
  'printer offline at the warehouse HP LaserJet',
];
