// What Linux's /proc says of a process the bench started: the CPU it has used, and its resident memory.
import { readFileSync } from 'node:fs';

/** User + system CPU of a process so far (ms): every thread's, so libuv's crypto pool counts too. */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // After the command name, which may hold spaces and parentheses of its own.
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  // utime and stime, in clock ticks of 10 ms on Linux.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Resident memory of a process (MB). */
export function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}
