/**
 * Peak memory of the dynamic-provider host: the engine starts it as a child
 * of the `pulumi` CLI, which is a child of this process (the Automation API).
 * Linux only: polls `/proc/<pid>/status` for `VmHWM` (the kernel's own record
 * of the process's peak resident set) of every descendant of this process
 * whose command line contains `dynamic-provider`, so hosts that other
 * programs on the machine run are never counted.
 */
import fs from "node:fs";
import path from "node:path";

interface ProcInfo {
  ppid: number;
  hwmKb: number;
}

/**
 * The provider plugin's process: `node <dir>/pulumi-resource-atlas-users` (the
 * launcher, which loads `dist/provider/plugin/main.js` in the same process),
 * or `main.js` run directly.
 */
const PLUGIN_COMMAND = /pulumi-resource-atlas-users|provider\/plugin\/main\.js/;

/** Kernel clock ticks per second (`getconf CLK_TCK`): 100 on every Linux Node supports. */
const CLOCK_TICKS = 100;

function selfCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** User + system CPU seconds the process has used so far. */
function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start at state; utime and stime are the 12th and 13th of those.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

function readStatus(pid: number): ProcInfo | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const ppid = Number(/^PPid:\s+(\d+)/m.exec(text)?.[1] ?? NaN);
    const hwmKb = Number(/^VmHWM:\s+(\d+)\s+kB/m.exec(text)?.[1] ?? 0);
    return Number.isFinite(ppid) ? { ppid, hwmKb } : undefined;
  } catch {
    return undefined; // gone between listing and reading
  }
}

function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

/** Peak `VmHWM` (kB) per host pid seen so far. */
export class HostRssSampler {
  private readonly peaks = new Map<number, number>();
  private readonly cpu = new Map<number, number>();
  /** CPU seconds of every descendant, by the base name of its program (`pulumi`, `node`, ...) and pid. */
  private readonly descendants = new Map<number, { name: string; cpu: number }>();
  private selfCpuAtStart = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly rootPid: number = process.pid,
    private readonly intervalMs = 50,
  ) {}

  /** Whether this platform exposes `/proc` (Linux). */
  static get supported(): boolean {
    return fs.existsSync("/proc/self/status");
  }

  start(): void {
    this.peaks.clear();
    this.cpu.clear();
    this.descendants.clear();
    this.selfCpuAtStart = selfCpuSeconds();
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops polling; returns the highest peak among the hosts seen, in MB (NaN when none was seen). */
  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const kb = Math.max(0, ...this.peaks.values());
    return kb > 0 ? kb / 1024 : NaN;
  }

  /** CPU seconds the hosts used (as last sampled: the final moments of a host may be missed). */
  get hostCpuSeconds(): number {
    return [...this.cpu.values()].reduce((a, b) => a + b, 0);
  }

  /**
   * CPU seconds since `start` of this process and of each kind of descendant
   * (`host`: the dynamic-provider host; `plugin`: the provider plugin,
   * `pulumi-resource-atlas-users`; `pulumi`: the CLI; others by program name).
   */
  cpuBreakdown(): Record<string, number> {
    const out: Record<string, number> = { benchProcess: selfCpuSeconds() - this.selfCpuAtStart };
    for (const { name, cpu } of this.descendants.values()) out[name] = (out[name] ?? 0) + cpu;
    return out;
  }

  /** How many distinct host processes were seen. */
  get hostsSeen(): number {
    return this.peaks.size;
  }

  private sample(): void {
    let entries: string[];
    try {
      entries = fs.readdirSync("/proc");
    } catch {
      return;
    }
    const infos = new Map<number, ProcInfo>();
    for (const name of entries) {
      if (!/^\d+$/.test(name)) continue;
      const info = readStatus(Number(name));
      if (info) infos.set(Number(name), info);
    }
    for (const [pid, info] of infos) {
      if (!this.descendsFromRoot(pid, infos)) continue;
      // Named at every sample: a child seen between fork and exec still shows its parent's command line.
      const command = cmdline(pid);
      const name = command.includes("dynamic-provider")
        ? "host"
        : PLUGIN_COMMAND.test(command)
          ? "plugin"
          : path.basename(command.split(" ")[0] ?? "?");
      const known = this.descendants.get(pid);
      this.descendants.set(pid, { name: command ? name : (known?.name ?? name), cpu: Math.max(known?.cpu ?? 0, cpuSeconds(pid)) });
      if (!this.peaks.has(pid) && !cmdline(pid).includes("dynamic-provider")) continue;
      this.peaks.set(pid, Math.max(this.peaks.get(pid) ?? 0, info.hwmKb));
      this.cpu.set(pid, Math.max(this.cpu.get(pid) ?? 0, cpuSeconds(pid)));
    }
  }

  private descendsFromRoot(pid: number, infos: Map<number, ProcInfo>): boolean {
    for (let p = infos.get(pid)?.ppid, depth = 0; p !== undefined && p > 1 && depth < 32; depth++) {
      if (p === this.rootPid) return true;
      p = infos.get(p)?.ppid;
    }
    return false;
  }
}
