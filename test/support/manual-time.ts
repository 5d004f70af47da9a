/** Time that moves only when told: timers fire in order as it advances. */
export function manualTime() {
  let t = 0;
  let timers: Array<{ at: number; fn: () => void }> = [];
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    now: () => t,
    setTimer(fn: () => void, ms: number) {
      const timer = { at: t + ms, fn };
      timers.push(timer);
      return () => {
        timers = timers.filter((x) => x !== timer);
      };
    },
    async advance(ms: number) {
      const end = t + ms;
      for (;;) {
        await settle();
        const next = timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!next) break;
        timers = timers.filter((x) => x !== next);
        t = next.at;
        next.fn();
      }
      t = end;
      await settle();
    },
  };
}
