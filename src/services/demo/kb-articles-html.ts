import type { DemoKbArticle } from './kb-articles.ts';

/** The demo runbooks kept as HTML (as a wiki page exports them); see kb-articles.ts. */
export const DEMO_KB_HTML_ARTICLES: DemoKbArticle[] = [
  {
    title: 'MFA re-registration (new or lost phone)',
    format: 'html',
    category: 'mfa',
    body: `<h1>MFA re-registration (new or lost phone)</h1>
<p>The user has a new phone, reset their phone, or lost it, and can no longer approve sign-in prompts in Microsoft Authenticator.</p>
<h2>Verify the caller first</h2>
<p>Never reset MFA for someone you cannot verify. Call them back on the number in the HR system, or have their manager confirm on Teams.</p>
<p>If the caller cannot be verified, or says they did not ask for the prompts they are getting, <strong>stop and escalate as a possible compromise</strong>.</p>
<h2>Reset and register again</h2>
<ol>
  <li>Ask an engineer to run <em>Require re-register MFA</em> on the account (L1 cannot reset authentication methods).</li>
  <li>Have the user install Microsoft Authenticator on the new phone.</li>
  <li>On a PC, they sign in at <a href="https://aka.ms/mfasetup">aka.ms/mfasetup</a> and choose <strong>Add sign-in method › Authenticator app</strong>.</li>
  <li>They scan the QR code with the app and approve the test notification.</li>
</ol>
<h2>If the prompts still fail</h2>
<ul>
  <li>Check the phone's date and time are set automatically.</li>
  <li>Turn on notifications for Authenticator in the phone's settings.</li>
  <li>Use the six-digit code in the app instead of the push notification.</li>
</ul>`,
  },
  {
    title: 'Teams audio not working',
    format: 'html',
    category: 'meetings',
    body: `<h1>Teams audio not working</h1>
<p>The user cannot hear others in Teams calls or meetings, others cannot hear them, or the microphone keeps muting.</p>
<h2>Pick the right device</h2>
<ol>
  <li>In Teams, open <strong>Settings › Devices</strong> and choose the headset under both <em>Speaker</em> and <em>Microphone</em>.</li>
  <li>Click <strong>Make a test call</strong>. If the test call plays back their voice, the device works.</li>
  <li>During a meeting, check <strong>More › Device settings</strong>: a docking station or monitor speaker is often picked instead.</li>
</ol>
<h2>Windows settings</h2>
<ul>
  <li><strong>Settings › Privacy &amp; security › Microphone</strong>: allow desktop apps to use the microphone.</li>
  <li>Right-click the speaker icon, <strong>Sound settings</strong>, and check the input level moves when they speak.</li>
  <li>Unplug the headset, plug it into a different USB port, and restart Teams.</li>
</ul>
<h2>Still no sound</h2>
<p>Clear the Teams cache: quit Teams, delete the contents of <code>%appdata%\\Microsoft\\Teams</code> (classic Teams) or reset the app in <strong>Settings › Apps</strong> (new Teams), then start it again.</p>
<p>If the headset fails on another PC too, it needs replacing: raise a hardware request. Escalate if audio fails for several users in the same meeting room.</p>`,
  },
  {
    title: 'Browser certificate warnings and clearing the cache',
    format: 'html',
    category: 'browser',
    body: `<h1>Browser certificate warnings and clearing the cache</h1>
<p>The browser shows "Your connection isn't private", NET::ERR_CERT_DATE_INVALID, or a company web app looks broken or out of date.</p>
<h2>Certificate warnings</h2>
<ol>
  <li>Check the PC's date and time. A wrong clock is the most common cause of certificate errors.</li>
  <li>Ask which site it is. If it is a public site that works for you, have the user try another browser.</li>
  <li>If the warning is on an internal site (intranet, timesheets), note the exact address and the error text.</li>
</ol>
<p><strong>Never tell a user to click through a certificate warning.</strong> If the warning appears on a banking, email or sign-in page that works elsewhere, treat it as a possible interception and escalate.</p>
<h2>Clear the cache</h2>
<ul>
  <li>Edge or Chrome: press <kbd>Ctrl</kbd>+<kbd>Shift</kbd>+<kbd>Delete</kbd>, choose <em>All time</em>, tick <em>Cached images and files</em> and <em>Cookies</em>, and clear.</li>
  <li>Close every browser window and open the site again.</li>
  <li>Try an InPrivate or Incognito window: if the site works there, an extension may be the cause.</li>
</ul>
<h2>When to escalate</h2>
<p>Escalate internal sites with expired certificates, and any warning that appears for several users.</p>`,
  },
  {
    title: 'Softphone has no dial tone',
    format: 'html',
    category: 'phone',
    body: `<h1>Softphone has no dial tone</h1>
<p>The user's softphone (3CX, Teams Phone or the Zoom Phone app) shows as offline, calls fail straight away, or there is no dial tone in the headset.</p>
<h2>Registration</h2>
<ol>
  <li>Look at the status in the app. If it shows <em>Not registered</em> or a red dot, sign out of the app and sign in again.</li>
  <li>Check the PC has internet access and, for home workers, whether the VPN is required for their phone system.</li>
  <li>Restart the app. For 3CX, check the provisioning link has not expired.</li>
</ol>
<h2>Audio</h2>
<ul>
  <li>In the app's audio settings, choose the headset for speaker, microphone and ringer.</li>
  <li>Make a test call to the echo test number or to your own desk.</li>
</ul>
<h2>When to escalate</h2>
<p>Escalate if several users lose their phones at once (trunk or provider outage), if inbound calls do not ring anywhere, or if the number needs to be moved or forwarded.</p>`,
  },
  {
    title: 'Password expired or self-service reset',
    format: 'html',
    category: 'password_reset',
    body: `<h1>Password expired or self-service reset</h1>
<p>The user's password has expired, they forgot it, or Windows says "The password for this account has expired".</p>
<h2>Self-service reset first</h2>
<ol>
  <li>Send the user to <a href="https://aka.ms/sspr">aka.ms/sspr</a> from a phone or another PC.</li>
  <li>They enter their work email, complete the verification (Authenticator or text message), and choose a new password.</li>
  <li>On the laptop, they connect to the office network or VPN and sign in with the new password. At home, the first sign-in may need the old password until the VPN connects.</li>
</ol>
<h2>If self-service reset is not set up</h2>
<p>Verify the caller (call back on the number in the HR system). Then reset the password in the admin portal with <em>Require change at next sign-in</em>, and give it to them over the phone, never by email.</p>
<h2>After the reset</h2>
<ul>
  <li>Update the password on their phone's mail app and on any shared Wi-Fi that uses it.</li>
  <li>If the account is locked, wait 15 minutes or unlock it in the portal.</li>
</ul>
<p>Escalate if the user did not ask for the reset, reports sign-in prompts they did not start, or the account belongs to an administrator.</p>`,
  },
];
