// What a boot script (user_data, cloud-init, startup-script) does to the host firewall: commands
// that switch it off, commands that switch it back on, and ufw installed but never enabled.

/** Attributes that hand a script to a machine at boot, on any provider. */
export const BOOT_SCRIPT_ATTRIBUTES = ['user_data', 'user_data_base64', 'custom_data', 'metadata_startup_script', 'startup_script'];
/** Keys of a `metadata` map (Google, Linode) that hold a boot script. */
export const BOOT_SCRIPT_METADATA_KEYS = ['startup-script', 'user-data', 'user_data', 'windows-startup-script-ps1', 'windows-startup-script-cmd', 'sysprep-specialize-script-ps1'];

type Family = 'ufw' | 'firewalld' | 'iptables' | 'nftables' | 'windows';

interface Pattern {
  family: Family;
  re: RegExp;
}

/** Commands that leave the host open. */
const OPENING: Pattern[] = [
  { family: 'ufw', re: /\bufw\s+(?:--force\s+)?disable\b/ },
  { family: 'ufw', re: /\bufw\s+default\s+allow(?:\s+(?:incoming|in)\b|\s*(?=$|[;&|)#]))/ },
  { family: 'ufw', re: /\b(?:systemctl\s+(?:stop|disable|mask)(?:\s+--now)?\s+ufw|service\s+ufw\s+stop)\b/ },
  { family: 'firewalld', re: /\b(?:systemctl\s+(?:stop|disable|mask)(?:\s+--now)?\s+firewalld|service\s+firewalld\s+stop|chkconfig\s+firewalld\s+off)\b/ },
  { family: 'iptables', re: /\bip6?tables(?:-legacy|-nft)?\s+(?:-w\s+)?(?:-t\s+filter\s+)?(?:-F|--flush)(?:\s+INPUT)?\s*(?=$|[;&|)#])/ },
  { family: 'iptables', re: /\bip6?tables(?:-legacy|-nft)?\s+(?:-w\s+)?(?:-P|--policy)\s+INPUT\s+ACCEPT\b/ },
  { family: 'nftables', re: /\bnft\s+flush\s+ruleset\b/ },
  { family: 'windows', re: /\bnetsh\s+advfirewall\s+set\s+\w+\s+state\s+off\b/i },
  { family: 'windows', re: /\bSet-NetFirewallProfile\b.*-Enabled\s+(?:\$?False|0)\b/i },
];

/** Commands that (re)establish protection later in the same script. */
const PROTECTING: Pattern[] = [
  { family: 'ufw', re: /\bufw\s+(?:--force\s+)?enable\b|ENABLED=yes|\bsystemctl\s+(?:start|restart|enable\s+--now)\s+ufw\b/ },
  { family: 'firewalld', re: /\bsystemctl\s+(?:start|restart|enable\s+--now)\s+firewalld\b|\bservice\s+firewalld\s+start\b/ },
  { family: 'iptables', re: /\bip6?tables(?:-legacy|-nft)?\s+(?:-w\s+)?(?:-P|--policy)\s+INPUT\s+(?:DROP|REJECT)\b|\bip6?tables-restore\b|\bnetfilter-persistent\s+(?:start|reload)\b|\bip6?tables\s+.*-A\s+INPUT\b.*-j\s+(?:DROP|REJECT)\b/ },
  { family: 'nftables', re: /\bnft\s+-f\b/ },
  { family: 'windows', re: /\bnetsh\s+advfirewall\s+set\s+\w+\s+state\s+on\b|\bSet-NetFirewallProfile\b.*-Enabled\s+(?:\$?True|1)\b/i },
];

const MENTIONS_FIREWALL = /ufw|firewall|tables|nft|netsh|packages:|^\s*-/i;
const INSTALLS_UFW = /\b(?:apt-get|apt|yum|dnf|zypper|apk|pacman|snap)\b[^\n#]*\b(?:install|add|-S)\b[^\n#]*\bufw\b/;

export interface ScriptProblem {
  kind: 'opens' | 'neverEnabled';
  /** Index of the line in the script. */
  line: number;
  /** 0-based index of the command in the line. */
  index: number;
  command: string;
  family: Family;
}

const tidy = (command: string) => command.replace(/\s+/g, ' ').trim();

const isComment = (line: string) => {
  const t = line.trimStart();
  return t.startsWith('#') || t.startsWith('//') || t.toUpperCase().startsWith('REM ');
};

/**
 * Problems in one script, given as lines. An opening command counts only when nothing later in
 * the script protects the host again (scripts often flush, add rules, then set a DROP policy).
 */
export function scriptProblems(rawLines: string[]): ScriptProblem[] {
  // cloud-init list form (`- [ ufw, --force, enable ]`) and quoted commands read like plain ones;
  // one character becomes one space, so indexes still point into the original line.
  // Most lines mention no firewall at all; they are skipped before the expensive patterns.
  const lines = rawLines.map((l) => (MENTIONS_FIREWALL.test(l) ? l.replace(/["'`,[\]]/g, ' ') : ''));
  const out: ScriptProblem[] = [];
  const lastProtection = new Map<Family, number>();
  lines.forEach((line, i) => {
    if (isComment(line)) return;
    for (const p of PROTECTING) if (p.re.test(line)) lastProtection.set(p.family, i);
  });
  let inPackages = false;
  let installAt: ScriptProblem | undefined;
  lines.forEach((line, i) => {
    if (isComment(line)) return;
    // cloud-config `packages:` list
    if (/^\s*packages:\s*$/.test(line)) {
      inPackages = true;
      return;
    }
    if (inPackages && !/^\s*-\s/.test(line)) inPackages = false;
    const pkgItem = inPackages && /^\s*-\s*['"]?ufw['"]?\s*$/.test(line);
    const inlinePkgs = /^\s*packages:\s*\[[^\]]*\bufw\b/.test(line);
    const install = INSTALLS_UFW.exec(line);
    if ((install || pkgItem || inlinePkgs) && !installAt) {
      const index = install ? install.index : line.indexOf('ufw');
      installAt = { kind: 'neverEnabled', line: i, index, command: install ? tidy(install[0]) : 'packages: ufw', family: 'ufw' };
    }
    for (const p of OPENING) {
      const m = p.re.exec(line);
      if (!m) continue;
      if ((lastProtection.get(p.family) ?? -1) > i) continue;
      out.push({ kind: 'opens', line: i, index: m.index, command: tidy(m[0]), family: p.family });
    }
  });
  if (installAt && !lastProtection.has('ufw') && !out.some((p) => p.family === 'ufw')) out.push(installAt);
  return out.sort((a, b) => a.line - b.line || a.index - b.index);
}
