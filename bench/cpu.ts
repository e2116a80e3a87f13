import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ = 100 on Linux

function procCpuMs(pid: number): number {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** CPU of every postgres process on the machine (embedded and backends), including exited children's totals via the postmaster. */
function postgresCpuMs(): number {
  let total = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const comm = readFileSync(`/proc/${d}/comm`, 'utf8').trim();
      if (comm !== 'postgres') continue;
      const s = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      // utime + stime + children's (exited backends are reaped by the postmaster)
      total += (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * TICK_MS;
    } catch {
      // gone
    }
  }
  return total;
}

export interface CpuSample {
  server: number;
  postgres: number;
  client: number;
}

export function cpuNow(serverPid: number | null): CpuSample {
  const u = process.cpuUsage();
  return { server: serverPid ? procCpuMs(serverPid) : 0, postgres: postgresCpuMs(), client: (u.user + u.system) / 1000 };
}

/** CPU milliseconds per unit of work, per process group. */
export function cpuPer(a: CpuSample, b: CpuSample, units: number) {
  const r = (x: number) => Math.round((x / Math.max(1, units)) * 1000) / 1000;
  return { serverMs: r(b.server - a.server), postgresMs: r(b.postgres - a.postgres), clientMs: r(b.client - a.client) };
}
