/**
 * Runs a flow that takes a `pause` one segment at a time, for deterministic race tests: `step()` lets it run to its
 * next pause (or to its end) and resolves there; `finish()` runs it out. The race tests of sign-in against a
 * password change, a reset and a lock all drive their flows with it.
 */
export type Stepper<R> = { step: () => Promise<void>; finish: () => Promise<R>; result: () => Promise<R> };

export function stepper<R>(run: (pause: (step: string) => Promise<void>) => Promise<R>): Stepper<R> {
  let started: Promise<R> | undefined;
  let finished = false;
  let resume: (() => void) | undefined;
  let arrived: (() => void) | undefined;
  const pause = (): Promise<void> =>
    new Promise<void>((resolve) => {
      resume = resolve;
      arrived?.();
    });
  return {
    async step() {
      if (finished) return;
      const arrival = new Promise<void>((resolve) => (arrived = resolve));
      if (started === undefined) {
        started = run(pause);
        const finish = (): void => {
          finished = true;
          arrived?.();
        };
        started.then(finish, finish);
      } else {
        const next = resume;
        resume = undefined;
        next?.();
      }
      await arrival;
    },
    async finish() {
      while (!finished) await this.step();
      return this.result();
    },
    result() {
      if (started === undefined) throw new Error("test: flow never started");
      return started;
    },
  };
}

/** Every order of `a` segments of one flow ("S") and `b` of another (`other`, "C" unless named). */
export function interleavings(a: number, b: number, other = "C"): string[] {
  if (a === 0) return [other.repeat(b)];
  if (b === 0) return ["S".repeat(a)];
  return [
    ...interleavings(a - 1, b, other).map((rest) => `S${rest}`),
    ...interleavings(a, b - 1, other).map((rest) => `${other}${rest}`),
  ];
}
