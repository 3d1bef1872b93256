/** This thread's CPU time in seconds. */
export function threadCpuSeconds(): number;
