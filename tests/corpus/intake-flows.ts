import { OUTLOOK_FLOW } from '../../src/services/demo/seed.ts';
import type { FlowNode } from '../../src/services/flows/graph.ts';

/**
 * The published flows of the intake corpus's account, written the way an MSP's engineers write
 * them: a title the desk searches for, a line of description, and checks an L1 reads to a caller.
 * Each check is a question whose "yes" fixes the problem and whose "no" moves on; an instruction
 * may come first; the end escalates.
 */
export interface CorpusFlow {
  key: string;
  title: string;
  description: string;
  rootNodeId: string;
  nodes: FlowNode[];
}

interface Check {
  /** Something to do before asking (an instruction node). */
  do?: string;
  ask: string;
  yes: string;
  no: string;
  fixed: string;
}

function tree(key: string, checks: Check[], escalate: string): { rootNodeId: string; nodes: FlowNode[] } {
  const nodes: FlowNode[] = [];
  const id = (i: number, part: string) => `${key}-${i}-${part}`;
  const first = (i: number) => (i >= checks.length ? `${key}-escalate` : checks[i]!.do ? id(i, 'do') : id(i, 'ask'));
  checks.forEach((c, i) => {
    if (c.do) nodes.push({ id: id(i, 'do'), kind: 'instruction', text: c.do, next: id(i, 'ask') });
    nodes.push({
      id: id(i, 'ask'),
      kind: 'question',
      text: c.ask,
      yesLabel: c.yes,
      noLabel: c.no,
      yesNext: id(i, 'fixed'),
      noNext: first(i + 1),
    });
    nodes.push({ id: id(i, 'fixed'), kind: 'resolution', text: c.fixed });
  });
  nodes.push({ id: `${key}-escalate`, kind: 'escalation', text: escalate });
  return { rootNodeId: first(0), nodes };
}

export const CORPUS_FLOWS: CorpusFlow[] = [
  {
    key: 'outlook',
    title: 'Outlook won’t connect',
    description: 'Outlook shows Disconnected or Trying to connect, will not open, or email stops arriving in Outlook.',
    ...OUTLOOK_FLOW,
  },
  {
    key: 'printer',
    title: 'Printer offline',
    description: 'A network printer shows as offline or print jobs sit stuck in the queue.',
    ...tree(
      'printer',
      [
        {
          ask: 'Is the printer switched on with no error on its display panel?',
          yes: 'Ready',
          no: 'Off or error',
          fixed: 'Resolved: the printer was off or showed an error that was cleared.',
        },
        {
          do: 'Open Settings › Printers & scanners, select the printer and open the print queue; cancel every stuck document.',
          ask: 'Does a test page print now?',
          yes: 'Test page printed',
          no: 'Still offline',
          fixed: 'Resolved: stuck print jobs were cleared from the queue.',
        },
        {
          do: 'Restart the Print Spooler service (services.msc › Print Spooler › Restart).',
          ask: 'Does the printer show as ready after the spooler restart?',
          yes: 'Shows ready',
          no: 'Still offline',
          fixed: 'Resolved: the print spooler was restarted.',
        },
        {
          do: 'Remove the printer and add it again from the print server, or by its IP address.',
          ask: 'Does it print after being re-added?',
          yes: 'Prints',
          no: 'Still fails',
          fixed: 'Resolved: the printer was removed and re-added.',
        },
      ],
      'Escalate: the printer may have a network, driver or hardware fault.',
    ),
  },
  {
    key: 'vpn',
    title: 'VPN won’t connect',
    description: 'FortiClient or GlobalProtect will not connect when working from home, or the VPN keeps disconnecting.',
    ...tree(
      'vpn',
      [
        {
          ask: 'Can the user browse the internet at home without the VPN?',
          yes: 'Internet works',
          no: 'No internet at home',
          fixed: 'Resolved: the home internet connection was the problem; the user will contact their provider.',
        },
        {
          do: 'Quit the VPN client completely and start it again, then sign in with the work account.',
          ask: 'Does the VPN client connect now?',
          yes: 'Connected',
          no: 'Still fails',
          fixed: 'Resolved: restarting the VPN client reconnected the tunnel.',
        },
        {
          ask: 'Does the VPN client say the credentials failed or the password expired?',
          yes: 'Credentials error',
          no: 'Other error',
          fixed: 'Resolved: the user changed their expired password and the VPN connects.',
        },
        {
          do: 'Reinstall the VPN client from the company portal.',
          ask: 'Does the reinstalled VPN client connect?',
          yes: 'Connects',
          no: 'Still fails',
          fixed: 'Resolved: the VPN client was reinstalled.',
        },
      ],
      'Escalate: the VPN gateway or the user’s VPN access may need an engineer.',
    ),
  },
  {
    key: 'mfa',
    title: 'MFA codes or prompts not arriving',
    description: 'The Microsoft Authenticator app shows no sign-in approval prompt, or verification codes never arrive.',
    ...tree(
      'mfa',
      [
        {
          ask: 'Does the phone have signal or Wi-Fi and the correct date and time set automatically?',
          yes: 'Phone is fine',
          no: 'Fixed the phone settings',
          fixed: 'Resolved: the phone’s clock or connection was corrected and the codes work.',
        },
        {
          do: 'Open the Authenticator app, pull down to refresh, and approve any pending request.',
          ask: 'Did the sign-in approval appear in the Authenticator app?',
          yes: 'Approved',
          no: 'Nothing there',
          fixed: 'Resolved: the pending authenticator prompt was approved.',
        },
        {
          ask: 'Can the user choose "Sign in another way" and use a text message code instead?',
          yes: 'Text code worked',
          no: 'No other method',
          fixed: 'Resolved: the user signed in with a text code; advise re-registering the Authenticator app.',
        },
      ],
      'Escalate: an engineer must reset the user’s MFA methods so they can register the new phone.',
    ),
  },
  {
    key: 'password',
    title: 'Password reset or locked-out account',
    description: 'The user forgot their password, the password expired, or the account is locked after too many attempts.',
    ...tree(
      'password',
      [
        {
          ask: 'Has the user verified their identity with the security question or a call-back to their listed number?',
          yes: 'Identity verified',
          no: 'Cannot verify',
          fixed: 'Resolved: identity could not be verified; the user was asked to contact their manager.',
        },
        {
          do: 'Unlock the account in the admin centre and set a temporary password that must be changed at next sign-in.',
          ask: 'Can the user sign in with the temporary password and choose a new one?',
          yes: 'Signed in',
          no: 'Still refused',
          fixed: 'Resolved: the account was unlocked and the password reset.',
        },
        {
          ask: 'Does the user still get locked out again within a few minutes?',
          yes: 'Locked again',
          no: 'Stays unlocked',
          fixed: 'Resolved: the account stays unlocked after the reset.',
        },
      ],
      'Escalate: repeated lockouts may come from an old password saved on another device.',
    ),
  },
  {
    key: 'wifi',
    title: 'Wi-Fi drops or won’t connect',
    description:
      'A laptop cannot join the office Wi-Fi, keeps disconnecting from the wireless network, or shows connected with no internet.',
    ...tree(
      'wifi',
      [
        {
          ask: 'Is Wi-Fi switched on and flight mode off on the laptop?',
          yes: 'Both fine',
          no: 'Switched it on',
          fixed: 'Resolved: Wi-Fi was off or flight mode was on.',
        },
        {
          do: 'Forget the office wireless network, then join it again with the current Wi-Fi password.',
          ask: 'Does the laptop stay connected to the Wi-Fi now?',
          yes: 'Stays connected',
          no: 'Still drops',
          fixed: 'Resolved: the wireless network was forgotten and rejoined.',
        },
        {
          do: 'Restart the laptop, then run the Windows network troubleshooter.',
          ask: 'Does the wireless connection work after the restart?',
          yes: 'Works',
          no: 'Still drops',
          fixed: 'Resolved: the restart and troubleshooter fixed the wireless adapter.',
        },
      ],
      'Escalate: the wireless access point or the laptop’s network adapter may be faulty.',
    ),
  },
  {
    key: 'teams-audio',
    title: 'Teams audio or microphone not working',
    description:
      'In Teams calls and meetings other people cannot hear the user, the user hears nothing, or the headset or microphone is not picked up.',
    ...tree(
      'teams-audio',
      [
        {
          ask: 'In the meeting, is the microphone unmuted and the headset chosen under Device settings?',
          yes: 'Chosen and unmuted',
          no: 'Fixed the setting',
          fixed: 'Resolved: the right microphone or speaker was chosen in Teams.',
        },
        {
          do: 'Make a test call in Teams (Settings › Devices › Make a test call).',
          ask: 'Does the test call play back the user’s voice?',
          yes: 'Hears playback',
          no: 'No sound',
          fixed: 'Resolved: audio works in the Teams test call.',
        },
        {
          do: 'Unplug the headset, plug it into another USB port and restart Teams.',
          ask: 'Can others hear the user now?',
          yes: 'Others hear',
          no: 'Still silent',
          fixed: 'Resolved: re-plugging the headset and restarting Teams fixed the audio.',
        },
      ],
      'Escalate: the headset or the audio driver may be faulty.',
    ),
  },
  {
    key: 'drive',
    title: 'Mapped network drive missing',
    description: 'A mapped drive letter such as S: or the shared drive has disappeared from This PC or shows a red cross.',
    ...tree(
      'drive',
      [
        {
          ask: 'Is the user in the office or connected to the VPN?',
          yes: 'On the network',
          no: 'Connected now',
          fixed: 'Resolved: the drive reappears once the PC is on the office network.',
        },
        {
          do: 'In This PC, right-click the drive and choose Disconnect, then sign out and back in so the drive maps again.',
          ask: 'Is the mapped drive back with its files?',
          yes: 'Drive is back',
          no: 'Still missing',
          fixed: 'Resolved: the mapped drive was reconnected at sign-in.',
        },
        {
          do: 'Map the drive by hand: This PC › Map network drive, with the folder path from the drive list.',
          ask: 'Does the drive open?',
          yes: 'Opens',
          no: 'Access denied',
          fixed: 'Resolved: the network drive was mapped by hand.',
        },
      ],
      'Escalate: the user may have lost permission to the share.',
    ),
  },
  {
    key: 'onedrive',
    title: 'OneDrive not syncing',
    description: 'OneDrive shows sync errors, red crosses or a paused cloud icon, or files do not appear on other devices.',
    ...tree(
      'onedrive',
      [
        {
          ask: 'Is the OneDrive cloud icon in the taskbar signed in and not paused?',
          yes: 'Signed in, running',
          no: 'Resumed it',
          fixed: 'Resolved: OneDrive sync was paused or signed out and is running again.',
        },
        {
          ask: 'Does OneDrive list a file name that is too long or has characters it refuses?',
          yes: 'Renamed the file',
          no: 'No such file',
          fixed: 'Resolved: the file that blocked syncing was renamed.',
        },
        {
          do: 'Reset OneDrive: press Win+R and run %localappdata%\\Microsoft\\OneDrive\\onedrive.exe /reset, then start OneDrive again.',
          ask: 'Are the files syncing after the reset?',
          yes: 'Syncing',
          no: 'Still stuck',
          fixed: 'Resolved: OneDrive was reset and is syncing.',
        },
      ],
      'Escalate: the OneDrive storage may be full or the account may need an engineer.',
    ),
  },
  {
    key: 'monitor',
    title: 'Second monitor not detected',
    description: 'An external monitor stays black or is not detected through the docking station or the HDMI cable.',
    ...tree(
      'monitor',
      [
        {
          ask: 'Is the monitor powered on and set to the right input (HDMI or DisplayPort)?',
          yes: 'On, right input',
          no: 'Changed input',
          fixed: 'Resolved: the monitor was off or on the wrong input.',
        },
        {
          do: 'Press Win+P and choose Extend, then open Display settings and click Detect.',
          ask: 'Does the second screen show the desktop now?',
          yes: 'Shows desktop',
          no: 'Still black',
          fixed: 'Resolved: the display was set to extend.',
        },
        {
          do: 'Unplug the docking station for ten seconds, plug it back in, and reseat the monitor cable.',
          ask: 'Is the monitor detected after reconnecting the dock?',
          yes: 'Detected',
          no: 'Still not detected',
          fixed: 'Resolved: reconnecting the dock and cable brought the monitor back.',
        },
      ],
      'Escalate: the monitor, cable or dock may be faulty and need replacing.',
    ),
  },
  {
    key: 'mailbox-full',
    title: 'Mailbox full',
    description: 'Outlook warns the mailbox is full or almost full and the user cannot send or receive email.',
    ...tree(
      'mailbox-full',
      [
        {
          do: 'Empty Deleted Items and Junk Email, then sort the inbox by size and delete or save the largest attachments.',
          ask: 'Does the mailbox full warning clear?',
          yes: 'Warning gone',
          no: 'Still full',
          fixed: 'Resolved: space was freed in the mailbox.',
        },
        {
          ask: 'Is online archiving turned on for the user, with old mail moving to the archive?',
          yes: 'Archive in use',
          no: 'No archive',
          fixed: 'Resolved: old mail was moved to the online archive.',
        },
      ],
      'Escalate: the mailbox needs a larger quota or archiving turned on by an engineer.',
    ),
  },
];
