/**
 * The corpus account's knowledge base: articles on what none of its flows covers (scanning,
 * Acrobat, Chrome, laptop batteries, Zoom screen sharing), so statements about them BUILD, and
 * statements about what neither covers (Excel, Sage, keyboards…) find nothing.
 */
export const CORPUS_KB: Array<{ title: string; body: string; category: string }> = [
  {
    title: 'Scan to email stopped working',
    category: 'printing',
    body: `# Scan to email stopped working

The multifunction copier scans but the email never arrives, or the scanner shows an SMTP or send error.

## Checks
1. Ask the user to scan a single page to their own email address and wait two minutes.
2. Check the scanner's address book entry has the right email address.
3. On the copier web page, check the SMTP server is smtp.office365.com on port 587 and the scan account's password has not expired.
4. If scans arrive in Junk Email, add the scanner's sender address to the safe senders list.

## If it still fails
Escalate with the copier model and the error shown on its panel.`,
  },
  {
    title: 'Adobe Acrobat: installing and licence activation',
    category: 'software',
    body: `# Adobe Acrobat: installing and licence activation

Users need Acrobat to edit or sign PDF files, or Acrobat says the licence has expired or asks to sign in.

## Install
1. Open the Company Portal and install Adobe Acrobat.
2. Start Acrobat and sign in with the work email address; the company licence is assigned per user.

## Licence expired or trial mode
1. Sign out of Acrobat (Help › Sign Out) and sign in again with the work account.
2. If it still says the licence expired, check in the Adobe admin console that the user has an Acrobat licence assigned.

## PDF files will not open
Set Acrobat Reader as the default app for .pdf files under Settings › Apps › Default apps.`,
  },
  {
    title: 'Chrome will not load pages',
    category: 'browser',
    body: `# Chrome will not load pages

Chrome shows errors, a web page keeps loading, cookies are blocked, or a site keeps asking the user to sign in.

## Clear the browser cache and cookies
1. In Chrome press Ctrl+Shift+Delete.
2. Choose All time, tick Cookies and Cached images and files, and clear the data.
3. Reload the web page.

## Extensions
Open chrome://extensions and turn off extensions one at a time to find one that breaks the page.

## Reset Chrome
Settings › Reset settings › Restore settings to their original defaults.`,
  },
  {
    title: 'Laptop battery not charging',
    category: 'hardware',
    body: `# Laptop battery not charging

The laptop battery will not charge, shows plugged in but not charging, or drains very fast.

## Checks
1. Try the charger in another wall socket and check the charger light comes on.
2. Shut the laptop down, unplug the charger for one minute, then plug it in and start the laptop.
3. Run the manufacturer's battery check (Dell SupportAssist, Lenovo Vantage, HP Support Assistant).
4. Lower screen brightness and close heavy apps if the battery drains fast.

## Replace
A battery the check reports as failed needs replacing: raise a hardware order.`,
  },
  {
    title: 'Zoom screen sharing shows a black screen',
    category: 'meetings',
    body: `# Zoom screen sharing shows a black screen

When the user shares their screen in a Zoom meeting, others see a black screen, or the share screen button does nothing.

## Checks
1. Update Zoom to the latest version (Zoom › Check for updates).
2. In Zoom settings › Share screen › Advanced, turn off "Enable the remote control of all applications" and set the screen capture mode to "Legacy operating systems".
3. Share a single window instead of the whole desktop.
4. On laptops with two graphics cards, set Zoom to use the integrated graphics in Windows Graphics settings.`,
  },
];
