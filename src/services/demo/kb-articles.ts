/**
 * The demo account's knowledge base: runbooks written the way an MSP's service desk keeps them
 * (checks in order, "if … then …", when to escalate). Half Markdown, half HTML as a wiki exports
 * it, so the demo shows both imports. None of them covers Outlook failing to connect: that call
 * is the published flow's, and a statement about it must still match the flow. kb-seed.ts stores
 * them.
 */
export interface DemoKbArticle {
  title: string;
  format: 'markdown' | 'html';
  /** An L1 category key (src/services/categories/catalogue.ts). */
  category: string;
  body: string;
}

export const DEMO_KB_MARKDOWN_ARTICLES: DemoKbArticle[] = [
  {
    title: 'Printer offline or print queue stuck',
    format: 'markdown',
    category: 'printing',
    body: `# Printer offline or print queue stuck

Use this when a user says the printer shows **Offline**, jobs sit in the queue and never print, or the printer "says error" on the PC but looks fine.

## Check the printer itself

1. Ask the user to look at the printer's display. If it shows a paper jam, low toner or an open tray, have them clear it first.
2. Confirm it is powered on and shows **Ready**. If it is asleep, press any button to wake it.
3. For network printers, check the network cable (or that Wi-Fi printers show a connected icon).

If the display shows an error code you do not recognise, note the code and escalate to the printing queue.

## Clear a stuck print queue

1. On the user's PC open **Settings › Bluetooth & devices › Printers & scanners**, select the printer and **Open print queue**.
2. Cancel all documents. If they will not cancel, restart the spooler: run \`services.msc\`, find **Print Spooler**, choose **Restart**.
3. If jobs still sit there, stop the spooler, delete the files in \`C:\\Windows\\System32\\spool\\PRINTERS\`, then start the spooler again.
4. Print a test page.

## Printer still shows offline

- Right-click the printer, **Printer properties › Ports**, and check the port's IP matches the IP on the printer's network settings page. If the printer got a new address, update the port or ask for a DHCP reservation.
- Untick **Use Printer Offline** in the queue's **Printer** menu.
- Remove and re-add the printer from the print server (\`\\\\print01\`).

## When to escalate

Escalate if other users on the same printer are affected (print server or network issue), the printer shows a hardware error, or the printer cannot be reached by IP from any PC.`,
  },
  {
    title: 'VPN won’t connect',
    format: 'markdown',
    category: 'vpn',
    body: `# VPN won't connect

For remote users who cannot connect to the company VPN. Most clients use **GlobalProtect**; some sites still use **FortiClient** or **Cisco AnyConnect**. Ask which icon they click.

## First checks

1. Can the user browse public websites? If not, the problem is their home internet or hotel Wi-Fi, not the VPN: have them restart the router or try a phone hotspot.
2. Is the time and date on the laptop correct? A clock that is off by minutes breaks sign-in to the VPN portal.
3. Has their password expired recently? The VPN uses the same password as Windows; if it changed, they must use the new one.

## GlobalProtect

- Click the GlobalProtect icon, **Settings › General**, and check the portal address is \`vpn.contoso-msp.com\`.
- Choose **Refresh Connection**. If it stays on "Connecting…", sign out of GlobalProtect and back in.
- If it says **Gateway not responding**, restart the PanGPS service or reboot the laptop.

## FortiClient

- Check the connection profile points to the right remote gateway and port (usually 443 or 10443).
- If the error is "Credential or SSL VPN configuration is wrong (-7200)", retype the username without the domain.

## Cisco AnyConnect

- Make sure the server field is filled in and the right group is chosen.
- If it reports "VPN establishment capability from a remote desktop is disabled", the user is inside a remote session: connect from the laptop itself.

## When to escalate

Escalate when several remote users fail at the same time (gateway down), when the client reports a certificate error, or when the user's account is locked out after MFA prompts.`,
  },
  {
    title: 'Mapped network drive missing',
    format: 'markdown',
    category: 'file_access',
    body: `# Mapped network drive missing

A user's S: (Shared) or H: (Home) drive is missing from File Explorer, shows a red X, or says "not accessible".

## Is the user on the network?

1. In the office: check the laptop is on the corporate Wi-Fi or cable, not the guest network.
2. At home: the drives only work with the VPN connected. Connect the VPN first, then open File Explorer again.

## Reconnect the drive

1. Open File Explorer, click the drive. A red X often clears once it is opened.
2. If the drive is missing, open a command prompt and run \`gpupdate /force\`, then sign out and back in: drive maps come from group policy at sign-in.
3. To map it by hand for today: \`net use S: \\\\files01\\shared /persistent:yes\`.

## Access denied

If the drive appears but the user gets **Access denied** on a folder, they may not be in the right security group. Note the folder path and what they need to do there.

## When to escalate

Escalate permission changes (L1 does not grant folder access), and any case where the file server cannot be reached from several PCs.`,
  },
  {
    title: 'Wi-Fi keeps dropping',
    format: 'markdown',
    category: 'network',
    body: `# Wi-Fi keeps dropping

The laptop disconnects from the Wi-Fi every few minutes, shows "No internet, secured", or is slow on wireless but fine on a cable.

## Narrow it down

1. Is it only this laptop? If colleagues in the same area are dropping too, it is likely an access point: escalate with the location.
2. Does it happen everywhere or only in one room? One room points at coverage; note where.

## Fix on the laptop

1. Forget the network (**Settings › Network & internet › Wi-Fi › Manage known networks**) and join it again.
2. Turn off power saving for the adapter: **Device Manager › Network adapters ›** the Wi-Fi adapter **› Properties › Power Management**, untick "Allow the computer to turn off this device".
3. Run Windows Update and the laptop maker's driver tool (Dell Command Update, Lenovo Vantage, HP Support Assistant) to update the Wi-Fi driver.
4. Run \`netsh winsock reset\` and \`ipconfig /flushdns\` from an admin prompt, then restart.

## When to escalate

Escalate if several users are affected, the access point lights are off, or the laptop cannot see the network at all after a driver update.`,
  },
  {
    title: 'New starter laptop setup',
    format: 'markdown',
    category: 'onboarding',
    body: `# New starter laptop setup

For a new employee's first morning, once HR has created the account and the laptop has been enrolled.

## Before the call

- Check the user account exists and the start date is today or earlier.
- Have the temporary password ready from the onboarding ticket.

## First sign-in

1. The user powers on the laptop, connects to Wi-Fi and signs in with their work email and temporary password.
2. Windows asks them to choose a new password. Remind them of the rules: 14 characters or more, not used before.
3. Autopilot installs the standard apps. This can take 20–30 minutes; ask them to leave it plugged in.

## Set up MFA and apps

1. Have them install Microsoft Authenticator on their phone and register it at \`aka.ms/mfasetup\`.
2. Open Outlook and Teams once so their profiles are created.
3. Check OneDrive is signed in and syncing.

## Check access

Open the shared drive and the line-of-business app their manager listed. If something is missing, note it on the ticket.

## When to escalate

Escalate if the laptop is not enrolled (it shows a personal setup screen), apps have not installed after an hour, or the user needs access that was not requested.`,
  },
  {
    title: 'Excel crashes on open',
    format: 'markdown',
    category: 'software',
    body: `# Excel crashes on open

Excel closes straight away, freezes on the splash screen, or says "Excel has stopped working" when a workbook is opened.

## Every workbook or one?

1. Ask the user to open Excel from the Start menu with no file. If a blank workbook works, the problem is that one file: ask where it is stored.
2. A file on SharePoint or OneDrive: have them download a copy and open it locally.

## Safe mode and add-ins

1. Close Excel. Press **Win+R**, type \`excel /safe\` and press Enter.
2. If Excel opens in safe mode, go to **File › Options › Add-ins**, choose **COM Add-ins › Go**, and untick all add-ins.
3. Restart Excel normally. Turn add-ins back on one at a time to find the one that crashes it.

## Repair Office

If Excel crashes even in safe mode: **Settings › Apps › Microsoft 365 › Modify › Quick Repair**. If that fails, run **Online Repair** (needs internet, takes about 20 minutes).

## When to escalate

Escalate if Online Repair does not help, if the crash happens on several PCs with the same file (the file may be damaged), or if a finance macro add-in is involved.`,
  },
  {
    title: 'Shared mailbox missing in Outlook',
    format: 'markdown',
    category: 'email',
    body: `# Shared mailbox missing in Outlook

The user was given access to a shared mailbox (for example accounts@ or support@) but it does not appear in the folder list.

## Wait, then restart

Access can take up to an hour to show. Ask when access was granted; if it was recent, have them close and reopen Outlook.

## Add it by hand

1. In Outlook: **File › Account Settings › Account Settings**, select their account, **Change › More Settings › Advanced**.
2. Under **Open these additional mailboxes**, click **Add** and type the shared mailbox address.
3. In the new Outlook or Outlook on the web: right-click **Folders**, **Add shared folder or mailbox**.

## It appears but is empty or will not open

- Check they can open it in Outlook on the web. If the web works, remove and re-add it on the desktop.
- If the web says they do not have permission, access was not granted yet.

## When to escalate

Escalate permission requests (L1 does not grant mailbox access) and mailboxes that fail for everyone.`,
  },
];
